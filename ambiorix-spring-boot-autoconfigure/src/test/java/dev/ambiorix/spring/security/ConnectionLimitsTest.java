package dev.ambiorix.spring.security;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Caps on connections per user and per remote address: the upgrade beyond one is refused
 * with 429, others are not disturbed, and a closed connection frees its place. The
 * address is the one Spring Boot's forward-headers strategy resolves.
 */
@SpringBootTest(classes = { SecuredApplication.class, HandlersRunAsTheUserTest.OpenUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "ambiorix.security.connections.max-per-user=2",
				"ambiorix.security.connections.max-per-address=3", "server.forward-headers-strategy=framework" })
class ConnectionLimitsTest {

	private static final AtomicInteger addresses = new AtomicInteger();

	@LocalServerPort
	int port;

	/** A connection as the user, from an address of its own. */
	TestClient connectAs(String user) {
		Map<String, String> headers = new HashMap<>(SecuredApplication.basic(user));
		headers.put("X-Forwarded-For", "198.51.100." + addresses.incrementAndGet());
		return TestClient.connect(this.port, "/", headers);
	}

	TestClient connectFrom(String address) {
		return TestClient.connect(this.port, "/", Map.of("X-Forwarded-For", address));
	}

	@Test
	void theConnectionBeyondThePerUserCapIsRefusedWith429AndAClosedOneFreesItsPlace() {
		try (TestClient first = connectAs("user");
				TestClient second = connectAs("user");
				TestClient admin = connectAs("admin")) {
			assertRefusedWith429(() -> connectAs("user"));
			second.request("whoami", null, 1);
			assertThat(second.next().get("message").stringValue()).isEqualTo("user");
			admin.request("whoami", null, 1);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("admin");
			first.close();
			try (TestClient again = await().atMost(Duration.ofSeconds(5))
				.ignoreExceptions()
				.until(() -> connectAs("user"), (client) -> true)) {
				again.request("whoami", null, 1);
				assertThat(again.next().get("message").stringValue()).isEqualTo("user");
			}
		}
	}

	@Test
	void theConnectionBeyondThePerAddressCapIsRefusedWith429ByTheForwardedAddress() {
		try (TestClient a = connectFrom("203.0.113.7");
				TestClient b = connectFrom("203.0.113.7");
				TestClient c = connectFrom("203.0.113.7")) {
			assertRefusedWith429(() -> connectFrom("203.0.113.7"));
			try (TestClient elsewhere = connectFrom("203.0.113.8")) {
				elsewhere.request("whoami", null, 1);
				assertThat(elsewhere.next().get("message").stringValue()).isEqualTo("anonymousUser");
			}
			c.request("whoami", null, 1);
			assertThat(c.next().get("message").stringValue()).isEqualTo("anonymousUser");
		}
	}

	private static void assertRefusedWith429(ThrowingSupplier<TestClient> connect) {
		assertThatExceptionOfType(CompletionException.class).isThrownBy(connect::get)
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(429));
	}

}

package dev.ambiorix.spring.security;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.spring.support.AmbiorixConnection;
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
	AmbiorixConnection connectAs(String user) {
		Map<String, String> headers = new HashMap<>(SecuredApplication.basic(user));
		headers.put("X-Forwarded-For", "198.51.100." + addresses.incrementAndGet());
		return AmbiorixConnection.connect(this.port, "/", headers);
	}

	AmbiorixConnection connectFrom(String address) {
		return AmbiorixConnection.connect(this.port, "/", Map.of("X-Forwarded-For", address));
	}

	@Test
	void theConnectionBeyondThePerUserCapIsRefusedWith429AndAClosedOneFreesItsPlace() {
		try (AmbiorixConnection first = connectAs("user");
				AmbiorixConnection second = connectAs("user");
				AmbiorixConnection admin = connectAs("admin")) {
			assertRefusedWith429(() -> connectAs("user"));
			assertThat(second.request("whoami", null).stringValue()).isEqualTo("user");
			assertThat(admin.request("whoami", null).stringValue()).isEqualTo("admin");
			first.close();
			try (AmbiorixConnection again = await().atMost(Duration.ofSeconds(5))
				.ignoreExceptions()
				.until(() -> connectAs("user"), (client) -> true)) {
				assertThat(again.request("whoami", null).stringValue()).isEqualTo("user");
			}
		}
	}

	@Test
	void theConnectionBeyondThePerAddressCapIsRefusedWith429ByTheForwardedAddress() {
		try (AmbiorixConnection a = connectFrom("203.0.113.7");
				AmbiorixConnection b = connectFrom("203.0.113.7");
				AmbiorixConnection c = connectFrom("203.0.113.7")) {
			assertRefusedWith429(() -> connectFrom("203.0.113.7"));
			try (AmbiorixConnection elsewhere = connectFrom("203.0.113.8")) {
				assertThat(elsewhere.request("whoami", null).stringValue()).isEqualTo("anonymousUser");
			}
			assertThat(c.request("whoami", null).stringValue()).isEqualTo("anonymousUser");
		}
	}

	private static void assertRefusedWith429(ThrowingSupplier<AmbiorixConnection> connect) {
		assertThatExceptionOfType(AmbiorixDisconnectedException.class).isThrownBy(connect::get)
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(429));
	}

}

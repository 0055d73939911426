package dev.ambiorix.spring.endpoint;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint with its properties changed: path, origins, size and rate limits, and
 * exception messages.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.paths=/ws,/chat/ws",
				"ambiorix.websocket.allowed-origin-patterns=https://*.example.com",
				"ambiorix.websocket.max-text-message-size=1KB", "ambiorix.websocket.rate-limit.messages-per-second=5",
				"ambiorix.errors.include-exception-message=true" })
class ConfiguredEndpointTest {

	@LocalServerPort
	int port;

	TestClient connect(String path) {
		return TestClient.connect(this.port, path, Map.of());
	}

	@Test
	void upgradesAreAcceptedOnEachConfiguredPathOnly() {
		try (TestClient ws = connect("/ws"); TestClient chat = connect("/chat/ws")) {
			ws.send("shout", "a");
			chat.send("shout", "b");
			assertThat(ws.next().get("message").stringValue()).isEqualTo("A");
			assertThat(chat.next().get("message").stringValue()).isEqualTo("B");
		}
		assertThatExceptionOfType(CompletionException.class).isThrownBy(() -> connect("/"))
			.havingCause()
			.isInstanceOf(WebSocketHandshakeException.class);
	}

	@Test
	void allowedOriginPatternIsAcceptedAndOthersAreNot() {
		try (TestClient client = TestClient.connect(this.port, "/ws", Map.of("Origin", "https://app.example.com"))) {
			client.send("shout", "ok");
			assertThat(client.next().get("message").stringValue()).isEqualTo("OK");
		}
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> TestClient.connect(this.port, "/ws", Map.of("Origin", "https://example.org")))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void configuredSizeLimitClosesWith1009() throws Exception {
		try (TestClient client = connect("/ws")) {
			client.send("shout", "x".repeat(1100));
			assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
		}
	}

	@Test
	void framesOverTheRateLimitGetRateLimitedAndAreDropped() throws Exception {
		try (TestClient client = connect("/ws")) {
			for (int i = 0; i < 10; i++) {
				client.request("increment", i, i);
			}
			int replies = 0;
			int limited = 0;
			for (int i = 0; i < 10; i++) {
				JsonNode frame = client.next();
				if (frame.get("name").stringValue().equals("ambiorix:error")) {
					assertThat(frame.get("message").get("code").stringValue()).isEqualTo("rate_limited");
					assertThat(frame.get("message").get("name").stringValue()).isEqualTo("increment");
					assertThat(frame.has("id")).isTrue();
					limited++;
				}
				else {
					assertThat(frame.get("message").intValue()).isEqualTo(frame.get("id").intValue() + 1);
					replies++;
				}
			}
			assertThat(replies).isBetween(5, 6);
			assertThat(limited).isEqualTo(10 - replies);
			// Tokens come back at 5 a second: once one has, a frame is taken again.
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
				client.request("shout", "later", "x");
				JsonNode frame = client.next();
				assertThat(frame.get("name").stringValue()).as(frame.toString()).isEqualTo("shout");
				assertThat(frame.get("message").stringValue()).isEqualTo("LATER");
			});
		}
	}

	@Test
	void exceptionMessageIsIncludedWhenConfigured() {
		try (TestClient client = connect("/ws")) {
			client.send("fail", null);
			assertThat(client.nextError("handler_error").get("detail").stringValue())
				.isEqualTo("secret database password is hunter2");
		}
	}

}

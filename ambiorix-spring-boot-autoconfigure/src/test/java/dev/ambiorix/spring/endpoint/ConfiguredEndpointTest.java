package dev.ambiorix.spring.endpoint;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

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

	AmbiorixConnection connect(String path) {
		return AmbiorixConnection.connect(this.port, path, Map.of());
	}

	@Test
	void upgradesAreAcceptedOnEachConfiguredPathOnly() {
		try (AmbiorixConnection ws = connect("/ws"); AmbiorixConnection chat = connect("/chat/ws")) {
			ws.send("shout", "a");
			chat.send("shout", "b");
			assertThat(ws.next().message().stringValue()).isEqualTo("A");
			assertThat(chat.next().message().stringValue()).isEqualTo("B");
		}
		assertThatExceptionOfType(AmbiorixDisconnectedException.class).isThrownBy(() -> connect("/"))
			.havingCause()
			.isInstanceOf(WebSocketHandshakeException.class);
	}

	@Test
	void allowedOriginPatternIsAcceptedAndOthersAreNot() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port, "/ws",
				Map.of("Origin", "https://app.example.com"))) {
			client.send("shout", "ok");
			assertThat(client.next().message().stringValue()).isEqualTo("OK");
		}
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port, "/ws", Map.of("Origin", "https://example.org")))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void configuredSizeLimitClosesWith1009() throws Exception {
		try (AmbiorixConnection client = connect("/ws")) {
			client.send("shout", "x".repeat(1100));
			assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
		}
	}

	@Test
	void framesOverTheRateLimitGetRateLimitedAndAreDropped() throws Exception {
		try (AmbiorixConnection client = connect("/ws")) {
			List<CompletableFuture<@Nullable Integer>> answers = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				answers.add(client.client().request("increment", i, Integer.class));
			}
			int replies = 0;
			int limited = 0;
			for (int i = 0; i < 10; i++) {
				try {
					assertThat(answers.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
					replies++;
				}
				catch (ExecutionException ex) {
					// The error reached this request: it carried the request's id.
					assertThat(ex.getCause()).isInstanceOfSatisfying(AmbiorixErrorException.class, (error) -> {
						assertThat(error.code()).isEqualTo("rate_limited");
						assertThat(error.name()).isEqualTo("increment");
					});
					limited++;
				}
			}
			assertThat(replies).isBetween(5, 6);
			assertThat(limited).isEqualTo(10 - replies);
			// Tokens come back at 5 a second: once one has, a frame is taken again.
			await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(250))
				.ignoreExceptionsInstanceOf(AmbiorixErrorException.class)
				.untilAsserted(() -> assertThat(client.request("shout", "later").stringValue()).isEqualTo("LATER"));
		}
	}

	@Test
	void exceptionMessageIsIncludedWhenConfigured() {
		try (AmbiorixConnection client = connect("/ws")) {
			client.send("fail", null);
			assertThat(client.nextError("handler_error").detail()).isEqualTo("secret database password is hunter2");
		}
	}

}

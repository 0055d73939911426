package dev.ambiorix.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server's {@code rate_limited} error reaches the request it refused.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.rate-limit.messages-per-second=1", "ambiorix.websocket.rate-limit.burst=1" })
class RateLimitedRequestTest {

	@LocalServerPort
	private int port;

	@Test
	void aRequestOverTheRateLimitFailsWithRateLimited() throws Exception {
		try (AmbiorixClient client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/")).build()) {
			client.connect().get(10, TimeUnit.SECONDS);
			CompletableFuture<@Nullable Integer> first = client.request("increment", 1, Integer.class);
			CompletableFuture<@Nullable Integer> second = client.request("increment", 2, Integer.class);
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOfSatisfying(AmbiorixErrorException.class,
						(error) -> assertThat(error.code()).isEqualTo("rate_limited"));
		}
	}

}

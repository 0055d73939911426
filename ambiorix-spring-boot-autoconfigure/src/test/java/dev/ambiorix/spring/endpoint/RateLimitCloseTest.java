package dev.ambiorix.spring.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that keeps breaking the rate limit is answered {@code rate_limited} and then
 * closed with 1008, while a bystander receives every broadcast.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.rate-limit.messages-per-second=5", "ambiorix.websocket.rate-limit.burst=5",
				"ambiorix.websocket.rate-limit.max-violations=10",
				"ambiorix.websocket.rate-limit.violation-window=10s" })
class RateLimitCloseTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Test
	void flooderGetsRateLimitedThenA1008CloseWhileABystanderReceivesEveryBroadcast() throws Exception {
		// The flooder on raw frames: what it got before the close, errors included, is
		// counted off the wire.
		try (AmbiorixConnection bystander = AmbiorixConnection.connect(this.port);
				TestClient flooder = TestClient.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
			int ticks = 0;
			int replies = 0;
			int limited = 0;
			long started = System.nanoTime();
			// One request at a time, until the tenth rate_limited answer: the server
			// closes
			// right after it, and a flooder still writing then could see a broken pipe
			// before the close frame.
			for (int i = 0; i < 60 && limited < 10; i++) {
				this.clients.broadcast("tick", ticks++);
				flooder.request("increment", i, i);
				JsonNode answer = nextAnswer(flooder);
				if (answer.get("name").stringValue().equals("ambiorix:error")) {
					assertThat(answer.get("message").get("code").stringValue()).isEqualTo("rate_limited");
					limited++;
				}
				else {
					replies++;
				}
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			for (int i = 0; i < 20; i++) {
				this.clients.broadcast("tick", ticks++);
			}
			assertThat(flooder.closeCode().get(5, TimeUnit.SECONDS)).isEqualTo(1008);
			assertThat(flooder.closeReason()).isEqualTo("rate limit exceeded too often");
			assertThat(limited).as("rate_limited answers before the close").isEqualTo(10);
			// The burst of 5, and what 5 a second refilled while the flooder was at it.
			assertThat(replies).as("frames within the burst answered")
				.isBetween(5, 5 + (int) Math.ceil(5 * seconds) + 1);
			assertThat(flooder.drain(Duration.ofMillis(200))).as("only ticks after the last answer")
				.allSatisfy((text) -> assertThat(json.readTree(text).get("name").stringValue()).isEqualTo("tick"));
			List<Integer> received = new ArrayList<>();
			for (int i = 0; i < ticks; i++) {
				AmbiorixConnection.Received tick = bystander.next();
				assertThat(tick.name()).isEqualTo("tick");
				received.add(tick.message().intValue());
			}
			assertThat(received).as("every broadcast, in order").isSorted().hasSize(ticks).doesNotHaveDuplicates();
			assertThat(bystander.isOpen()).isTrue();
		}
	}

	@Test
	void clientThatBreaksTheLimitFewerTimesThanMaxViolationsStaysOpen() throws Exception {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			List<CompletableFuture<@Nullable Integer>> answers = new ArrayList<>();
			for (int i = 0; i < 14; i++) {
				answers.add(client.client().request("increment", i, Integer.class));
			}
			int limited = 0;
			for (CompletableFuture<@Nullable Integer> answer : answers) {
				try {
					answer.get(10, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOf(AmbiorixErrorException.class);
					limited++;
				}
			}
			assertThat(limited).isBetween(7, 9);
			assertThat(client.drain(Duration.ofMillis(300))).as("no close after the answers").isEmpty();
			assertThat(client.closeCode()).isNotDone();
		}
	}

	/**
	 * The next frame that is not a broadcast tick: the reply to the request, or its
	 * error.
	 */
	private static JsonNode nextAnswer(TestClient client) {
		while (true) {
			JsonNode frame = client.next();
			if (!frame.get("name").stringValue().equals("tick")) {
				return frame;
			}
		}
	}

}

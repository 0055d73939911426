package dev.ambiorix.spring.endpoint;

import java.time.Duration;

import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rate limit is checked before a frame is parsed: a flood over the limit is answered
 * {@code rate_limited} and costs no parse.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.rate-limit.messages-per-second=1", "ambiorix.websocket.rate-limit.burst=5",
				"ambiorix.websocket.rate-limit.max-violations=0" })
class RateLimitBeforeParsingTest {

	@LocalServerPort
	int port;

	@Autowired
	AmbiorixWebSocketHandler handler;

	@Test
	void floodOverTheRateLimitIsAnsweredRateLimitedWithoutParsingTheDroppedFrames() {
		InboundCounters counters = this.handler.counters();
		try (TestClient client = TestClient.connect(this.port)) {
			long framesBefore = counters.frames();
			long parsedBefore = counters.parsed();
			long limitedBefore = counters.errors(ErrorCode.RATE_LIMITED);
			int flood = 200;
			for (int i = 0; i < flood; i++) {
				client.request("increment", i, i);
			}
			int replies = 0;
			for (int i = 0; i < flood; i++) {
				JsonNode answer = client.next();
				assertThat(answer.get("id").intValue()).as("answers in order, each with its id").isEqualTo(i);
				if (answer.get("name").stringValue().equals("ambiorix:error")) {
					assertThat(answer.get("message").get("code").stringValue()).isEqualTo("rate_limited");
					assertThat(answer.get("message").get("name").stringValue()).isEqualTo("increment");
				}
				else {
					assertThat(answer.get("message").intValue()).isEqualTo(i + 1);
					replies++;
				}
			}
			int accepted = replies;
			assertThat(accepted).isBetween(5, 7);
			await().atMost(Duration.ofSeconds(5)).until(() -> counters.frames() - framesBefore == flood);
			assertThat(counters.errors(ErrorCode.RATE_LIMITED) - limitedBefore).isEqualTo(flood - accepted);
			assertThat(counters.parsed() - parsedBefore).as("frames parsed").isEqualTo(accepted);
		}
	}

	@Test
	void droppedFrameThatIsNotEvenJsonIsAnsweredRateLimitedNotInvalidJson() {
		try (TestClient client = TestClient.connect(this.port)) {
			for (int i = 0; i < 5; i++) {
				client.request("increment", i, i);
			}
			for (int i = 0; i < 5; i++) {
				assertThat(client.next().get("message").intValue()).isEqualTo(i + 1);
			}
			client.sendText("{not json at all");
			JsonNode error = client.nextError("rate_limited");
			assertThat(error.has("name")).isFalse();
		}
	}

}

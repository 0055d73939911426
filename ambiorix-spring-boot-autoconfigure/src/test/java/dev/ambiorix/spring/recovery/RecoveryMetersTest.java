package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.Map;

import dev.ambiorix.spring.cluster.ClusterTestApplication;
import dev.ambiorix.spring.support.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ambiorix.recovery} counter, tagged with the outcome of each attempt, over
 * real clients speaking the hello exchange.
 */
class RecoveryMetersTest {

	ConfigurableApplicationContext node = new SpringApplicationBuilder(ClusterTestApplication.class)
		.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
		.run();

	@AfterEach
	void stop() {
		this.node.close();
	}

	@Test
	void eachAttemptCountsOnceUnderItsOutcomeAndOnlyKnownOutcomesAreTags() {
		int port = Integer.parseInt(this.node.getEnvironment().getProperty("local.server.port"));
		MeterRegistry registry = this.node.getBean(MeterRegistry.class);
		assertThat(registry.find("ambiorix.recovery").meters()).extracting((meter) -> meter.getId().getTag("outcome"))
			.containsExactlyInAnyOrderElementsOf(Recovery.OUTCOMES);

		try (HelloClient client = HelloClient.connect(port, "alice")) {
			client.drop();
			JsonNode answer = client.reconnect(port);
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			client.drop();
			try (TestClient other = TestClient.connect(port, "/?user=mallory", Map.of())) {
				other.send("ambiorix:hello", Map.of("recovery", true, "session", client.session()));
				assertThat(other.next().get("message").get("reason").stringValue()).isEqualTo("user_changed");
			}
		}
		for (int i = 0; i < 3; i++) {
			try (TestClient socket = TestClient.connect(port)) {
				socket.send("ambiorix:hello", Map.of("recovery", true, "session", "made-up-" + i));
				assertThat(socket.next().get("message").get("reason").stringValue()).isEqualTo("unknown_session");
			}
		}

		await().atMost(Duration.ofSeconds(5)).until(() -> count(registry, "unknown_session") == 3);
		assertThat(count(registry, "recovered")).isEqualTo(1);
		assertThat(count(registry, "user_changed")).isEqualTo(1);
		assertThat(count(registry, "expired")).isZero();
		assertThat(count(registry, "history_exceeded")).isZero();
		assertThat(registry.find("ambiorix.recovery").meters()).as("a made-up session creates no tag value")
			.hasSize(Recovery.OUTCOMES.size());
	}

	static double count(MeterRegistry registry, String outcome) {
		return registry.get("ambiorix.recovery").tag("outcome", outcome).functionCounter().count();
	}

}

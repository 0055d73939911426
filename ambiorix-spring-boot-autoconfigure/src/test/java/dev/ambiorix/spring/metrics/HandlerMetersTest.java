package dev.ambiorix.spring.metrics;

import java.time.Duration;

import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With Spring Boot's observation and meter registries, a handler call is timed once, with
 * its keys and error, and counted as active while it runs, as Micrometer's default meter
 * handler would record it.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.observations.key-values.region=test")
class HandlerMetersTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	@Test
	void handlerCallsAreTimedOnceWithTheirKeysAndTheirError() {
		try (TestClient client = TestClient.connect(this.port)) {
			for (int i = 0; i < 3; i++) {
				client.send("echo", i);
				client.next();
			}
			client.send("fail", null);
			client.nextError("handler_error");
			client.send("failLater", null);
			client.nextError("handler_error");
			await().atMost(WAIT).untilAsserted(() -> {
				assertThat(count("echo", "none")).isEqualTo(3);
				assertThat(count("fail", "IllegalStateException")).isEqualTo(1);
				assertThat(count("failLater", "IllegalStateException")).isEqualTo(1);
			});
			assertThat(this.registry.find(HandlerObservations.OBSERVATION_NAME).tags(keys("echo")).timers()).hasSize(1);
		}
	}

	@Test
	void keysThatSpringBootAddsWhenTheCallStopsTagTheTimer() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("sleep", 1);
			client.next();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(this.registry.find(HandlerObservations.OBSERVATION_NAME)
					.tags(keys("sleep").and("region", "test"))
					.timer()).isNotNull());
		}
	}

	@Test
	void longTaskTimerCountsTheCallsRunningNow() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("sleep", 2000);
			await().atMost(WAIT).until(() -> activeTasks("sleep") == 1);
			assertThat(client.next().get("message").stringValue()).isEqualTo("slept 2000");
			await().atMost(WAIT).until(() -> activeTasks("sleep") == 0);
		}
	}

	private long count(String handler, String error) {
		Timer timer = this.registry.find(HandlerObservations.OBSERVATION_NAME)
			.tags(keys(handler).and("error", error))
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private int activeTasks(String handler) {
		LongTaskTimer timer = this.registry.find(HandlerObservations.OBSERVATION_NAME + ".active")
			.tags(keys(handler))
			.longTaskTimer();
		return (timer != null) ? timer.activeTasks() : -1;
	}

	private static Tags keys(String handler) {
		return Tags.of("messaging.system", "ambiorix", "messaging.operation", "process", "messaging.destination.name",
				handler);
	}

}

package dev.ambiorix.spring.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import dev.ambiorix.spring.support.TestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each meter moves as documented, over real connections, and no client can create a tag
 * value.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.max-text-message-size=16KB", "ambiorix.websocket.send-time-limit=2s",
				"ambiorix.websocket.send-buffer-size=256KB", "ambiorix.websocket.rate-limit.messages-per-second=100",
				"ambiorix.websocket.rate-limit.burst=1100", "ambiorix.websocket.rate-limit.max-violations=0",
				"logging.level.dev.ambiorix.spring.session=DEBUG" })
@Import(ClientMetersTest.Registry.class)
@ExtendWith(OutputCaptureExtension.class)
class ClientMetersTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry registry;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void connectionsGaugeAndOpenedCounterFollowConnects() {
		double opened = count("ambiorix.connections.opened");
		try (AmbiorixConnection first = AmbiorixConnection.connect(this.port);
				AmbiorixConnection second = AmbiorixConnection.connect(this.port)) {
			await().atMost(WAIT).until(() -> this.clients.count() == 2);
			assertThat(gauge("ambiorix.connections")).isEqualTo(2);
			assertThat(count("ambiorix.connections.opened") - opened).isEqualTo(2);
		}
		await().atMost(WAIT).until(() -> gauge("ambiorix.connections") == 0);
	}

	@Test
	void closedCounterTagsEachCloseCodeClass() throws Exception {
		assertClosedAs("normal", (client) -> client.close());
		assertClosedAs("going_away", (client) -> closeWith(client, 1001));
		assertClosedAs("policy", (client) -> closeWith(client, 1008));
		assertClosedAs("error", (client) -> closeWith(client, 1011));
		assertClosedAs("error", (client) -> closeWith(client, 4321));
		assertClosedAs("abnormal", (client) -> client.socket().abort());
		assertClosedAs("too_big", (client) -> client.sendText("x".repeat(20 * 1024)));
	}

	@Test
	void inboundEnvelopesAreCountedByHandlerNameAndOutcome(CapturedOutput output) {
		try (TestClient client = TestClient.connect(this.port)) {
			double ok = messages("inbound", "echo", "ok");
			double failed = messages("inbound", "fail", "handler_error");
			double invalid = messages("inbound", "increment", "invalid_message");
			double ignored = messages("inbound", "unknown", "ignored");
			client.send("echo", "hi");
			client.next();
			client.send("fail", null);
			client.nextError("handler_error");
			client.send("increment", "not a number");
			client.nextError("invalid_message");
			client.sendText("{\"name\":\"echo\",\"message\":1}");
			await().atMost(WAIT)
				.until(() -> messages("inbound", "echo", "ok") - ok == 1
						&& messages("inbound", "fail", "handler_error") - failed == 1
						&& messages("inbound", "increment", "invalid_message") - invalid == 1
						&& messages("inbound", "unknown", "ignored") - ignored == 1);
		}
		assertThat(output).doesNotContain("not a number");
	}

	@Test
	void everyErrorCodeIsCountedOnce() {
		try (TestClient client = TestClient.connect(this.port)) {
			assertErrorCounted("unknown_name", () -> client.send("chta", 1));
			assertErrorCounted("invalid_json", () -> client.sendText("{not json"));
			assertErrorCounted("invalid_envelope", () -> client.sendText("{\"isAmbiorix\":true}"));
			assertErrorCounted("invalid_message", () -> client.send("increment", "x"));
			assertErrorCounted("handler_error", () -> client.send("fail", null));
			assertErrorCounted("unsupported_frame", () -> client.sendBinary(new byte[] { 1, 2 }));
		}
		try (TestClient flooder = TestClient.connect(this.port)) {
			double limited = count("ambiorix.errors", "code", "rate_limited");
			for (int i = 0; i < 2000; i++) {
				flooder.send("silent", "x");
			}
			await().atMost(WAIT).until(() -> count("ambiorix.errors", "code", "rate_limited") > limited);
			assertThat(messages("inbound", "silent", "rate_limited")).isPositive();
		}
	}

	@Test
	void outboundFramesAreCountedWithTheirNameAndTheirSizeInUtf8Bytes() {
		try (TestClient client = TestClient.connect(this.port)) {
			double replies = messages("outbound", "echo", "queued");
			double errors = messages("outbound", "ambiorix:error", "queued");
			double frames = count("ambiorix.outbound.frames");
			double bytes = count("ambiorix.outbound.bytes");
			// Not ASCII: two and three bytes a character in UTF-8, one in UTF-16 units.
			client.send("echo", "h\u00e9 \u2713");
			String reply = client.nextText();
			client.send("chta", 1);
			String error = client.nextText();
			await().atMost(WAIT)
				.until(() -> messages("outbound", "echo", "queued") - replies == 1
						&& messages("outbound", "ambiorix:error", "queued") - errors == 1);
			assertThat(count("ambiorix.outbound.frames") - frames).isEqualTo(2);
			assertThat(count("ambiorix.outbound.bytes") - bytes)
				.isEqualTo(
						reply.getBytes(StandardCharsets.UTF_8).length + error.getBytes(StandardCharsets.UTF_8).length)
				.isGreaterThan(reply.length() + error.length());
		}
	}

	@Test
	void clientThatStopsReadingIsCountedAndLoggedOnceAsDroppedWithTheReason(CapturedOutput output) throws Exception {
		double dropped = count("ambiorix.outbound.dropped", "reason", "buffer_overflow")
				+ count("ambiorix.outbound.dropped", "reason", "send_time_limit");
		double policy = count("ambiorix.connections.closed", "close", "policy");
		try (RawWebSocket stuck = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(WAIT).until(() -> this.clients.count() == 1);
			String stuckId = this.clients.all().iterator().next().id();
			String chunk = "x".repeat(8 * 1024);
			double largest = 0;
			for (int i = 0; i < 400 && this.clients.find(stuckId).isPresent(); i++) {
				this.clients.broadcast("bulk", chunk);
				largest = Math.max(largest, gauge("ambiorix.outbound.queue.largest"));
			}
			assertThat(largest).isGreaterThanOrEqualTo(chunk.length());
			await().atMost(WAIT)
				.until(() -> count("ambiorix.outbound.dropped", "reason", "buffer_overflow")
						+ count("ambiorix.outbound.dropped", "reason", "send_time_limit") - dropped == 1);
			this.events.awaitDisconnected(stuckId);
			await().atMost(WAIT).until(() -> count("ambiorix.connections.closed", "close", "policy") - policy == 1);
			assertThat(messages("outbound", "unknown", "dropped")).isPositive();
			assertThat(output.getOut().split("Disconnecting slow client " + stuckId, -1)).hasSize(2);
			assertThat(output).doesNotContain(chunk);
		}
	}

	@Test
	void connectsAndClosesAreLoggedAtDebugWithIdAndCode(CapturedOutput output) {
		String id;
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			await().atMost(WAIT).until(() -> this.clients.count() == 1);
			id = this.clients.all().iterator().next().id();
			client.send("echo", "a secret payload");
			client.next();
		}
		this.events.awaitDisconnected(id);
		await().atMost(WAIT).until(() -> output.getOut().contains("Client " + id + " closed (user none) with 1000"));
		assertThat(output).contains("Client " + id + " connected (user none)");
		assertThat(output).doesNotContain("a secret payload");
	}

	@Test
	void thousandDistinctUnknownNamesCreateNoTagValue() {
		try (AmbiorixConnection warmUp = AmbiorixConnection.connect(this.port)) {
			warmUp.send("warm-up-unknown", 1);
			warmUp.nextError("unknown_name");
		}
		Set<String> before = meterIds();
		try (AmbiorixConnection hostile = AmbiorixConnection.connect(this.port)) {
			for (int i = 0; i < 1000; i++) {
				hostile.send("hostile-" + i, i);
			}
			for (int i = 0; i < 1000; i++) {
				hostile.nextError("unknown_name");
			}
		}
		assertThat(meterIds()).isEqualTo(before);
		assertThat(this.registry.getMeters()).noneMatch(
				(meter) -> meter.getId().getTags().stream().anyMatch((tag) -> tag.getValue().startsWith("hostile-")));
	}

	private Set<String> meterIds() {
		return this.registry.getMeters()
			.stream()
			.map(Meter::getId)
			.filter((id) -> id.getName().startsWith("ambiorix."))
			.map(Object::toString)
			.collect(Collectors.toSet());
	}

	private void assertErrorCounted(String code, Runnable send) {
		double before = count("ambiorix.errors", "code", code);
		send.run();
		await().atMost(WAIT).until(() -> count("ambiorix.errors", "code", code) - before == 1);
	}

	private void assertClosedAs(String closeClass, ThrowingConsumer<TestClient> close) throws Exception {
		// A client of an earlier test still closing would be counted here too.
		await().atMost(WAIT).until(() -> this.clients.count() == 0);
		double before = count("ambiorix.connections.closed", "close", closeClass);
		TestClient client = TestClient.connect(this.port);
		await().atMost(WAIT).until(() -> this.clients.count() == 1);
		close.accept(client);
		await().atMost(WAIT)
			.untilAsserted(
					() -> assertThat(count("ambiorix.connections.closed", "close", closeClass) - before).as(closeClass)
						.isEqualTo(1));
		client.socket().abort();
		await().atMost(WAIT).until(() -> this.clients.count() == 0);
	}

	private static void closeWith(TestClient client, int code) {
		client.socket().sendClose(code, "bye").join();
	}

	private double messages(String direction, String name, String outcome) {
		return count("ambiorix.messages", "direction", direction, "name", name, "outcome", outcome);
	}

	private double count(String name, String... tags) {
		Counter counter = this.registry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private double gauge(String name) {
		Gauge gauge = this.registry.find(name).gauge();
		assertThat(gauge).as(name).isNotNull();
		return gauge.value();
	}

	@FunctionalInterface
	interface ThrowingConsumer<T> {

		void accept(T value) throws Exception;

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}

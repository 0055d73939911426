package dev.ambiorix.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's hello against our server with recovery turned off.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "ambiorix.recovery.enabled=false")
class RecoveryRefusedTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Test
	void aServerWithoutRecoveryRefusesTheHelloQuietlyAndTheClientGoesOnWithVersionOne() throws Exception {
		RecordingListener events = new RecordingListener();
		List<String> names = new CopyOnWriteArrayList<>();
		try (AmbiorixClient client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.listener(events)
			.build()) {
			client.receiveAny((name, message) -> names.add(name));
			client.receive("ambiorix:error", String.class, (message) -> names.add("error handler"));
			client.connect().get(10, TimeUnit.SECONDS);
			assertThat(client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(2);
			client.send("shout", "hi");
			await().atMost(WAIT).untilAsserted(() -> assertThat(names).containsExactly("news"));
			assertThat(client.id()).isNull();
			assertThat(events.errors).isEmpty();
			assertThat(events.recoveries).isEmpty();
		}
	}

}

package dev.ambiorix.client;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's heartbeat over a real server behind a proxy that can swallow a connection
 * whole: a connection gone silent without a close is found, dropped and replaced, while a
 * quiet but living one is kept.
 */
class HeartbeatTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final CloseAfterEach closer = new CloseAfterEach();

	@Test
	void aConnectionThatGoesSilentWithoutACloseIsDroppedAndReplaced() throws Exception {
		int port = ClientTestApplication.freePort();
		this.closer.closeLater(ClientTestApplication.start(port));
		BlackHoleProxy proxy = this.closer.closeLater(new BlackHoleProxy(port));
		RecordingListener events = new RecordingListener();
		AmbiorixClient client = this.closer
			.closeLater(client(proxy, events).heartbeat(Duration.ofMillis(500), Duration.ofMillis(500)).build());
		client.connect().get(10, TimeUnit.SECONDS);
		assertThat(client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(2);

		proxy.swallowCurrentConnections();
		await().atMost(WAIT).untilAsserted(() -> assertThat(events.closeCodes).containsExactly(1006));
		await().atMost(WAIT).untilAsserted(() -> assertThat(events.opens).hasValue(2));
		assertThat(client.request("increment", 2, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(3);
	}

	@Test
	void withoutTheHeartbeatASilentConnectionLooksOpen() throws Exception {
		int port = ClientTestApplication.freePort();
		this.closer.closeLater(ClientTestApplication.start(port));
		BlackHoleProxy proxy = this.closer.closeLater(new BlackHoleProxy(port));
		RecordingListener events = new RecordingListener();
		AmbiorixClient client = this.closer.closeLater(client(proxy, events).noHeartbeat().build());
		client.connect().get(10, TimeUnit.SECONDS);

		proxy.swallowCurrentConnections();
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(client::isOpen);
		assertThat(events.closeCodes).isEmpty();
	}

	@Test
	void aQuietServerThatAnswersPingsKeepsTheConnection() throws Exception {
		int port = ClientTestApplication.freePort();
		this.closer.closeLater(ClientTestApplication.start(port));
		RecordingListener events = new RecordingListener();
		AmbiorixClient client = this.closer
			.closeLater(AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
				.listener(events)
				.heartbeat(Duration.ofMillis(200), Duration.ofMillis(1000))
				.build());
		client.connect().get(10, TimeUnit.SECONDS);
		// Ten heartbeat intervals of silence from the application, answered pings only.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(client::isOpen);
		assertThat(events.closeCodes).isEmpty();
		assertThat(events.opens).hasValue(1);
	}

	private static AmbiorixClient.Builder client(BlackHoleProxy proxy, RecordingListener events) {
		return AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + proxy.port() + "/"))
			.reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 2))
			.listener(events);
	}

}

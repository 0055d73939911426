package dev.ambiorix.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.ClientTestApplication.Inbox;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client across a restart of our server on the same port.
 */
class ReconnectTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final CloseAfterEach closer = new CloseAfterEach();

	@Test
	void reconnectsAfterTheServerRestartsAndDeliversQueuedSendsInOrder() throws Exception {
		int port = ClientTestApplication.freePort();
		ConfigurableApplicationContext first = this.closer.closeLater(ClientTestApplication.start(port));
		RecordingListener events = new RecordingListener();
		AmbiorixClient client = this.closer
			.closeLater(AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
				.reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 2))
				.listener(events)
				.build());
		client.connect().get(10, TimeUnit.SECONDS);
		client.send("collect", "before");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(first.getBean(Inbox.class).messages).containsExactly("before"));
		CompletableFuture<@Nullable String> inFlight = client.request("slow", 5000, String.class,
				Duration.ofSeconds(30));

		first.close();
		await().atMost(WAIT).until(() -> !events.closeCodes.isEmpty());
		assertThat(client.isOpen()).isFalse();
		// Its reply might come in the replay: it waits for the restarted server's answer.
		assertThat(inFlight).isNotDone();
		for (int i = 1; i <= 5; i++) {
			client.send("collect", "queued " + i);
		}
		CompletableFuture<@Nullable Integer> queuedRequest = client.request("increment", 1, Integer.class,
				Duration.ofSeconds(30));
		assertThat(client.queued()).isEqualTo(6);
		await().atMost(WAIT).until(() -> events.reconnectDelays.size() >= 2);

		ConfigurableApplicationContext second = this.closer.closeLater(ClientTestApplication.start(port));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(second.getBean(Inbox.class).messages)
				.isEqualTo(List.of("queued 1", "queued 2", "queued 3", "queued 4", "queued 5")));
		assertThat(queuedRequest.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		// The restarted server does not know the session: the request fails, once.
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixDisconnectedException.class,
					(error) -> assertThat(error.code()).isEqualTo("disconnected"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(events.recoveries).containsExactly("unknown_session"));
		assertThat(client.isOpen()).isTrue();
		assertThat(client.queued()).isZero();
		await().atMost(WAIT).untilAsserted(() -> assertThat(events.opens).hasValue(2));
		assertThat(events.reconnectDelays)
			.allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofMillis(25), Duration.ofMillis(400)));
	}

	@Test
	void withoutReconnectALostConnectionEndsTheClient() throws Exception {
		int port = ClientTestApplication.freePort();
		ConfigurableApplicationContext server = this.closer.closeLater(ClientTestApplication.start(port));
		RecordingListener events = new RecordingListener();
		AmbiorixClient client = this.closer
			.closeLater(AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
				.reconnect(ReconnectPolicy.none())
				.listener(events)
				.build());
		client.connect().get(10, TimeUnit.SECONDS);
		server.close();
		await().atMost(WAIT).until(() -> !events.closeCodes.isEmpty());
		await().atMost(WAIT)
			.untilAsserted(() -> assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> client.send("collect", "x")));
		assertThat(events.reconnectDelays).isEmpty();
	}

	@Test
	void aFullQueueRefusesFurtherSends() {
		AmbiorixClient client = this.closer
			.closeLater(AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + ClientTestApplication.freePort() + "/"))
				.queueLimit(2)
				.build());
		client.send("collect", "1");
		client.send("collect", "2");
		assertThatExceptionOfType(AmbiorixQueueFullException.class).isThrownBy(() -> client.send("collect", "3"))
			.satisfies((error) -> assertThat(error.code()).isEqualTo("queue_full"));
		assertThat(client.request("increment", 1, Integer.class)).isCompletedExceptionally();
		assertThat(client.queued()).isEqualTo(2);
	}

}

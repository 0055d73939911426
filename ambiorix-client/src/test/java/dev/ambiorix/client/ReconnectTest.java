package dev.ambiorix.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.ClientTestApplication.Inbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client across a restart of our server on the same port.
 */
class ReconnectTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private ConfigurableApplicationContext server;

	private AmbiorixClient client;

	@AfterEach
	void stop() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void reconnectsAfterTheServerRestartsAndDeliversQueuedSendsInOrder() throws Exception {
		int port = freePort();
		this.server = start(port);
		RecordingListener events = new RecordingListener();
		this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
			.reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 2))
			.listener(events)
			.build();
		this.client.connect().get(10, TimeUnit.SECONDS);
		this.client.send("collect", "before");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.server.getBean(Inbox.class).messages).containsExactly("before"));
		CompletableFuture<String> inFlight = this.client.request("slow", 5000, String.class, Duration.ofSeconds(30));

		this.server.close();
		await().atMost(WAIT).until(() -> !events.closeCodes.isEmpty());
		assertThat(this.client.isOpen()).isFalse();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> inFlight.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixDisconnectedException.class,
					(error) -> assertThat(error.code()).isEqualTo("disconnected"));
		for (int i = 1; i <= 5; i++) {
			this.client.send("collect", "queued " + i);
		}
		CompletableFuture<Integer> queuedRequest = this.client.request("increment", 1, Integer.class,
				Duration.ofSeconds(30));
		assertThat(this.client.queued()).isEqualTo(6);
		await().atMost(WAIT).until(() -> events.reconnectDelays.size() >= 2);

		this.server = start(port);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.server.getBean(Inbox.class).messages)
				.isEqualTo(List.of("queued 1", "queued 2", "queued 3", "queued 4", "queued 5")));
		assertThat(queuedRequest.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(this.client.isOpen()).isTrue();
		assertThat(this.client.queued()).isZero();
		await().atMost(WAIT).untilAsserted(() -> assertThat(events.opens).hasValue(2));
		assertThat(events.reconnectDelays)
			.allSatisfy((delay) -> assertThat(delay).isBetween(Duration.ofMillis(25), Duration.ofMillis(400)));
	}

	@Test
	void withoutReconnectALostConnectionEndsTheClient() throws Exception {
		int port = freePort();
		this.server = start(port);
		RecordingListener events = new RecordingListener();
		this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/"))
			.reconnect(ReconnectPolicy.none())
			.listener(events)
			.build();
		this.client.connect().get(10, TimeUnit.SECONDS);
		this.server.close();
		await().atMost(WAIT).until(() -> !events.closeCodes.isEmpty());
		await().atMost(WAIT)
			.untilAsserted(() -> assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> this.client.send("collect", "x")));
		assertThat(events.reconnectDelays).isEmpty();
	}

	@Test
	void aFullQueueRefusesFurtherSends() {
		this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + freePort() + "/")).queueLimit(2).build();
		this.client.send("collect", "1");
		this.client.send("collect", "2");
		assertThatExceptionOfType(AmbiorixQueueFullException.class).isThrownBy(() -> this.client.send("collect", "3"))
			.satisfies((error) -> assertThat(error.code()).isEqualTo("queue_full"));
		assertThat(this.client.request("increment", 1, Integer.class)).isCompletedExceptionally();
		assertThat(this.client.queued()).isEqualTo(2);
	}

	private static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(ClientTestApplication.class)
			.properties("server.port=" + port, "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

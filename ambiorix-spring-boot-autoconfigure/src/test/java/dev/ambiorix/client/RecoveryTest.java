package dev.ambiorix.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.ambiorix.client.ClientTestApplication.Inbox;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery against our server: the client's connection is dropped by the server and the
 * client comes back within the window.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class RecoveryTest {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@LocalServerPort
	private int port;

	@Autowired
	private WebSocketClients clients;

	@Autowired
	private Inbox inbox;

	private final RecordingListener events = new RecordingListener();

	private AmbiorixClient client;

	@BeforeEach
	void connect() throws Exception {
		this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 2))
			.listener(this.events)
			.build();
		this.client.connect().get(10, TimeUnit.SECONDS);
		await().atMost(WAIT).until(() -> this.client.id() != null);
	}

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void aThousandBroadcastsSentWhileTheConnectionIsDroppedArriveOnceInOrder() {
		List<Integer> received = new CopyOnWriteArrayList<>();
		this.client.receive("tick", Integer.class, received::add);
		String id = this.client.id();
		WebSocketClient server = this.clients.find(id).orElseThrow();
		// Before the drop, while away, and while the new connection recovers.
		IntStream.rangeClosed(1, 300).forEach((i) -> this.clients.broadcast("tick", i));
		server.close(CloseStatus.GOING_AWAY);
		IntStream.rangeClosed(301, 600).forEach((i) -> this.clients.broadcast("tick", i));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.opens).hasValue(2));
		IntStream.rangeClosed(601, 1000).forEach((i) -> this.clients.broadcast("tick", i));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.recoveries).containsExactly("true"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(received).hasSize(1000));
		assertThat(received).isEqualTo(IntStream.rangeClosed(1, 1000).boxed().toList());
		assertThat(this.events.closeCodes).containsExactly(1001);
		assertThat(this.client.id()).isEqualTo(id);
		assertThat(this.clients.find(id)).hasValueSatisfying((client) -> assertThat(client.isOpen()).isTrue());
	}

	@Test
	void aRequestWhoseReplyIsSentWhileTheClientIsAwayGetsItThroughTheReplay() throws Exception {
		RecordingListener events = new RecordingListener();
		// Away for at least half a second: the reply is sent while the client is away.
		try (AmbiorixClient away = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.reconnect(ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1), 2))
			.listener(events)
			.build()) {
			away.connect().get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).until(() -> away.id() != null);
			CompletableFuture<@Nullable String> request = away.request("noted", 200, String.class);
			await().atMost(WAIT).until(() -> this.inbox.messages.contains("noted 200"));
			this.clients.find(away.id()).orElseThrow().close(CloseStatus.GOING_AWAY);
			assertThat(request.get(20, TimeUnit.SECONDS)).isEqualTo("noted after 200");
			await().atMost(WAIT).untilAsserted(() -> assertThat(events.recoveries).containsExactly("true"));
		}
	}

	@Test
	void aRequestWhoseReplyIsNotReplayedFailsWithDisconnectedOnceTheAnswerComes() throws Exception {
		// The handler answers after the client has recovered, on the connection that
		// was dropped: the reply is lost, and the request fails, once.
		CompletableFuture<@Nullable String> request = this.client.request("noted", 1500, String.class);
		await().atMost(WAIT).until(() -> this.inbox.messages.contains("noted 1500"));
		this.clients.find(this.client.id()).orElseThrow().close(CloseStatus.GOING_AWAY);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.recoveries).containsExactly("true"));
		assertThat(request).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixDisconnectedException.class,
					(error) -> assertThat(error.code()).isEqualTo("disconnected"));
	}

	@Test
	void handlersNeverSeeTheRecoveryFrames() throws Exception {
		List<String> names = new CopyOnWriteArrayList<>();
		this.client.receiveAny((name, message) -> names.add(name));
		this.clients.find(this.client.id()).orElseThrow().close(CloseStatus.GOING_AWAY);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.recoveries).containsExactly("true"));
		this.client.send("shout", "after");
		await().atMost(WAIT).untilAsserted(() -> assertThat(names).containsExactly("news"));
		assertThat(this.events.errors).isEmpty();
	}

}

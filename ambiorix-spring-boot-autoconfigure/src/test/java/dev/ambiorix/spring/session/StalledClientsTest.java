package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fifty clients that stop reading while messages trickle out and pings fall due: no ping
 * or close to them holds the supervisor or a caller thread, so each is dropped with 1008
 * within the send time limit and a second, few threads are spent closing them, and a
 * healthy client gets every message meanwhile. Runs on Tomcat and again on Jetty.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.send-time-limit=2s", "ambiorix.websocket.ping-interval=50ms" })
class StalledClientsTest {

	private static final int STALLED = 50;

	private static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(2);

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Autowired
	WebSocketClients webSocketClients;

	@Autowired
	ConnectionEvents events;

	@Autowired
	ClientConnections connections;

	@Test
	void fiftyStalledClientsAreDroppedWith1008InTimeWhileAHealthyClientKeepsGettingMessages() throws Exception {
		List<RawWebSocket> stalled = new ArrayList<>();
		ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
		try {
			for (int i = 0; i < STALLED; i++) {
				// A tiny receive buffer, and nothing ever read past the handshake.
				stalled.add(RawWebSocket.connect(this.port, 1024));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == STALLED);
			Set<String> stalledIds = this.clients.all().stream().map(ClientConnection::id).collect(Collectors.toSet());
			assertThat(this.clients.all()).allSatisfy((client) -> {
				if (client.transport() instanceof TomcatTransport tomcat) {
					assertThat(tomcat.pingsWithoutBlocking()).as("Tomcat's non-blocking ping").isTrue();
				}
			});
			try (AmbiorixConnection healthy = AmbiorixConnection.connect(this.port)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == STALLED + 1);
				// Small messages at a steady pace: between them the supervisor pings
				// every
				// client with nothing in flight, also those whose socket has just filled
				// up.
				AtomicInteger sent = new AtomicInteger();
				// Per stalled client: since when it has had a message pending without a
				// break, and when it left.
				Map<String, Long> pendingSince = new ConcurrentHashMap<>();
				Map<String, Long> droppedAt = new ConcurrentHashMap<>();
				String chunk = "x".repeat(4 * 1024);
				ticker.scheduleAtFixedRate(() -> {
					this.webSocketClients.broadcast("tick", sent.get() + ":" + chunk);
					sent.incrementAndGet();
					long now = System.nanoTime();
					for (String id : stalledIds) {
						ClientConnection client = this.clients.get(id);
						if (client == null) {
							droppedAt.putIfAbsent(id, now);
						}
						else if (client.outbound().queuedBytes() > 0) {
							pendingSince.putIfAbsent(id, now);
						}
						else {
							pendingSince.remove(id);
						}
					}
				}, 0, 20, TimeUnit.MILLISECONDS);
				await().atMost(Duration.ofSeconds(20)).until(() -> droppedAt.size() == STALLED);
				// The close itself may take Jetty up to a second more (a close frame
				// stuck behind unread data), never a thread.
				await().atMost(Duration.ofSeconds(5)).until(() -> disconnected(stalledIds).size() == STALLED);
				ticker.shutdownNow();
				assertThat(ticker.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
				long slowest = stalledIds.stream()
					.mapToLong((id) -> droppedAt.get(id) - pendingSince.getOrDefault(id, droppedAt.get(id)))
					.max()
					.orElseThrow();
				System.out.printf("%d stalled clients: the slowest dropped %d ms after its send got stuck;"
						+ " at most %d close threads%n", STALLED, slowest / 1_000_000, closeThreads());
				assertThat(Duration.ofNanos(slowest)).isLessThanOrEqualTo(SEND_TIME_LIMIT.plusSeconds(1));
				assertThat(disconnected(stalledIds)).allSatisfy((event) -> {
					assertThat(event.status().getCode()).as(event.status().toString()).isEqualTo(1008);
					assertThat(event.status().getReason()).contains("not reading");
				});
				// Every message reached the healthy client, in order.
				int total = sent.get();
				for (int i = 0; i < total; i++) {
					assertThat(healthy.next().message().stringValue()).startsWith(i + ":");
				}
				assertThat(healthy.isOpen())
					.as(() -> "healthy client open, closed with " + healthy.closeCode() + " "
							+ this.events.disconnected.stream()
								.filter((e) -> !stalledIds.contains(e.client().id()))
								.toList())
					.isTrue();
				assertThat(healthy.request("shout", "still here").stringValue()).isEqualTo("STILL HERE");
				// Closes that may wait are few threads' work, not one thread each.
				assertThat(closeThreads()).isLessThanOrEqualTo(ClientConnections.CLOSE_THREADS);
			}
		}
		finally {
			ticker.shutdownNow();
			for (RawWebSocket socket : stalled) {
				socket.close();
			}
		}
	}

	private List<ClientDisconnectedEvent> disconnected(Set<String> ids) {
		return this.events.disconnected.stream().filter((event) -> ids.contains(event.client().id())).toList();
	}

	/**
	 * The most threads this application's close pool ever had (other tests' pools aside).
	 */
	private int closeThreads() {
		return ((ThreadPoolExecutor) this.connections.closer()).getLargestPoolSize();
	}

}

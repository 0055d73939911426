package dev.ambiorix.spring.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.AmbiorixWebSocketHandler;
import dev.ambiorix.spring.endpoint.EndpointState;
import dev.ambiorix.spring.session.LocalClients;
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
 * A thousand clients connect and leave, twenty times over: every per-connection map of
 * the library (the registry of clients, the endpoint's state per session) empties after
 * every round, and threads and heap come back to where they were.
 */
// The container's worker pool grows up to its maximum under bursts and idles out only
// after a minute; a small maximum fills in the first round, so what grows later is ours.
// (The build runs this test on Tomcat and on Jetty.)
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=16", "server.jetty.threads.max=16" })
class ChurnTest {

	private static final int CLIENTS = 1000;

	private static final int ROUNDS = 20;

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Autowired
	AmbiorixWebSocketHandler handler;

	@Autowired
	LocalClients localClients;

	private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	@Test
	void thousandClientsConnectingAndLeavingTwentyTimesLeaveNothingBehind() throws Exception {
		// The first round warms up pools and caches; later rounds must not grow on it.
		round(0);
		int baselineThreads = this.threads.getThreadCount();
		long baselineHeap = usedHeapAfterGc();
		int peakThreads = baselineThreads;
		for (int round = 1; round < ROUNDS; round++) {
			round(round);
			peakThreads = Math.max(peakThreads, this.threads.getThreadCount());
		}
		int finalThreads = this.threads.getThreadCount();
		long finalHeap = usedHeapAfterGc();
		System.out.printf(
				"Churn: %d connections in %d rounds; threads %d after the first round, %d at the end (peak %d); "
						+ "heap %d KiB after the first round, %d KiB at the end%n",
				CLIENTS * ROUNDS, ROUNDS, baselineThreads, finalThreads, peakThreads, baselineHeap / 1024,
				finalHeap / 1024);
		// Other cached test contexts' pools move a few threads either way; a leak of one
		// thread per round (19) or per connection is still well past this bound.
		assertThat(finalThreads).as("threads").isLessThanOrEqualTo(baselineThreads + 15);
		assertThat(finalHeap).as("heap in bytes").isLessThan(baselineHeap + 16 * 1024 * 1024);
	}

	private void round(int round) throws IOException {
		List<RawWebSocket> connected = new ArrayList<>(CLIENTS);
		try {
			for (int i = 0; i < CLIENTS; i++) {
				connected.add(RawWebSocket.connect(this.port, 8192));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> this.clients.count() == CLIENTS);
			for (int i = 0; i < CLIENTS; i++) {
				RawWebSocket client = connected.get(i);
				if (i % 2 == 0) {
					// A polite goodbye: a close frame with 1000.
					client.sendFrame(true, 8, new byte[] { 0x03, (byte) 0xE8 });
				}
				else {
					// Gone without a word: the socket is reset.
					client.socket().setSoLinger(true, 0);
				}
				client.close();
			}
			await("registry empty after round " + round).atMost(Duration.ofSeconds(30))
				.until(() -> this.clients.count() == 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> this.events.disconnected.size() == CLIENTS);
			// Exactly empty: a bound on threads or heap cannot see a small leak.
			assertThat(this.localClients.count()).as("clients registered after round %d", round).isZero();
			assertThat(EndpointState.sessionsTracked(this.handler)).as("sessions tracked after round %d", round)
				.isZero();
		}
		finally {
			for (RawWebSocket client : connected) {
				client.close();
			}
			// The recorded events hold their clients; they are this test's, not the
			// library's, so they must not count as its heap.
			this.events.connected.clear();
			this.events.disconnected.clear();
		}
	}

	private long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return this.memory.getHeapMemoryUsage().getUsed();
	}

}

package dev.ambiorix.spring.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.Frame;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broadcasts of every size go to clients that do not read while their sockets fill up,
 * ping the server meanwhile, and partly leave: on either container, where frames go
 * straight into the socket while the container is idle and the container finishes what
 * the socket did not take, every client that stays reads every broadcast whole and in
 * order, with the container's pongs only between frames, and the server goes on serving.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.ping-interval=10m", "ambiorix.websocket.idle-timeout=20m",
				"ambiorix.websocket.send-buffer-size=32MB" })
class SlowReadersPingingAndLeavingTest {

	private static final int STAYING = 8;

	private static final int LEAVING = 4;

	private static final int BROADCASTS = 300;

	/**
	 * One ping from every staying client at broadcasts 199, 240 and 290: the first while
	 * their sockets are full, just before they start reading, since Tomcat waits at most
	 * a second for room to answer it.
	 */
	private static final int PINGS = 3;

	private static final int OPCODE_TEXT = 1;

	private static final int OPCODE_PING = 9;

	private static final int OPCODE_PONG = 10;

	private static final long WAIT_SECONDS = 60;

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Autowired
	WebSocketClients webSocketClients;

	@Test
	void clientsThatStayReadEveryBroadcastWholeAndInOrderWithPongsBetweenFrames() throws Exception {
		List<RawWebSocket> staying = new ArrayList<>();
		List<RawWebSocket> leaving = new ArrayList<>();
		ExecutorService readers = Executors.newFixedThreadPool(STAYING);
		try {
			for (int i = 0; i < STAYING + LEAVING; i++) {
				(i < STAYING ? staying : leaving).add(RawWebSocket.connect(this.port, 4096));
			}
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == STAYING + LEAVING);
			List<String> sent = new ArrayList<>();
			CountDownLatch read = new CountDownLatch(1);
			List<Future<Received>> received = new ArrayList<>();
			for (RawWebSocket socket : staying) {
				received.add(readers.submit(() -> {
					read.await();
					return readAll(socket, BROADCASTS, PINGS);
				}));
			}
			List<byte[]> pings = new ArrayList<>();
			for (int i = 0; i < BROADCASTS; i++) {
				// Small frames, frames within the shared direct frame and larger ones
				// (below Jetty's largest frame).
				int length = switch (i % 3) {
					case 0 -> 100;
					case 1 -> 10_000;
					default -> 60_000;
				};
				String text = i + ":" + String.valueOf((char) ('a' + i % 26)).repeat(length);
				sent.add(text);
				this.webSocketClients.broadcast("news", text);
				if (i == 199 || i == 240 || i == 290) {
					byte[] ping = ("ping " + i).getBytes(StandardCharsets.UTF_8);
					pings.add(ping);
					for (RawWebSocket socket : staying) {
						socket.sendFrame(true, OPCODE_PING, ping);
					}
				}
				if (i == 100) {
					for (RawWebSocket socket : leaving) {
						socket.close();
					}
				}
				if (i == 200) {
					// Over 4 MB queued for each client by now: more than the socket
					// takes.
					read.countDown();
				}
			}
			for (Future<Received> future : received) {
				Received got = future.get(WAIT_SECONDS, TimeUnit.SECONDS);
				assertThat(got.texts()).hasSize(BROADCASTS);
				for (int i = 0; i < BROADCASTS; i++) {
					assertThat(got.texts().get(i)).as("broadcast %d", i).isEqualTo(envelope(sent.get(i)));
				}
				assertThat(pings).hasSize(PINGS);
				assertThat(got.pongs()).as("pongs").hasSize(PINGS);
				for (int i = 0; i < pings.size(); i++) {
					assertThat(got.pongs().get(i)).as("pong %d", i).isEqualTo(pings.get(i));
				}
			}
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == STAYING);
			try (RawWebSocket late = RawWebSocket.connect(this.port, 1 << 20)) {
				await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == STAYING + 1);
				this.webSocketClients.broadcast("news", "still serving");
				Frame frame = late.readFrame();
				assertThat(frame.text()).isEqualTo(envelope("still serving"));
			}
		}
		finally {
			readers.shutdownNow();
			for (RawWebSocket socket : staying) {
				socket.close();
			}
		}
	}

	/**
	 * Read frames until {@code texts} text frames and {@code pongs} pongs came (a pong
	 * may come after the last text); every frame must be whole, and nothing but text and
	 * pong frames.
	 */
	private static Received readAll(RawWebSocket socket, int texts, int pongCount) throws IOException {
		List<String> received = new ArrayList<>();
		List<byte[]> pongs = new ArrayList<>();
		while (received.size() < texts || pongs.size() < pongCount) {
			Frame frame = socket.readFrame();
			assertThat(frame.fin()).isTrue();
			if (frame.opcode() == OPCODE_PONG) {
				pongs.add(frame.payload());
				continue;
			}
			assertThat(frame.opcode()).as("opcode after %d frames", received.size()).isEqualTo(OPCODE_TEXT);
			received.add(frame.text());
		}
		return new Received(received, pongs);
	}

	private static String envelope(String text) {
		return "{\"name\":\"news\",\"message\":\"" + text + "\",\"isAmbiorix\":true}";
	}

	private record Received(List<String> texts, List<byte[]> pongs) {
	}

}

package dev.ambiorix.spring.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleMessage;
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
 * On either container, a text frame to an idle client is written straight into its
 * socket, whole, with the header the container would write for every payload length, and
 * a frame the socket takes at once is reported on the sending thread; a frame the socket
 * takes only in part is finished by the container before anything else, its pong to the
 * client's ping included. Pings are off, so that no frame of the starter's own is in
 * flight; the send buffer is larger than the socket's, so that a client that does not
 * read fills the socket before the buffer.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.ping-interval=10m", "ambiorix.websocket.idle-timeout=20m",
				"ambiorix.websocket.send-buffer-size=32MB" })
class DirectWriteTest {

	private static final long WAIT_SECONDS = 20;

	private static final int OPCODE_TEXT = 1;

	private static final int OPCODE_PING = 9;

	private static final int OPCODE_PONG = 10;

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Test
	void framesOfEveryLengthArriveWholeAndSmallOnesAreReportedOnTheSendingThread() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port, 1 << 20)) {
			Transport transport = onlyClient().transport();
			// 7-bit, 16-bit and 64-bit payload lengths, at their edges, multi-byte text,
			// and frames over Jetty's largest (64 KiB), which Jetty splits and Tomcat
			// does
			// not.
			for (int length : List.of(0, 1, 125, 126, 127, 65535, 65536, 200_000)) {
				String text = "é".repeat(length / 2) + "x".repeat(length % 2);
				CompletableFuture<Thread> reported = new CompletableFuture<>();
				transport.sendText(text, (failure) -> {
					if (failure != null) {
						reported.completeExceptionally(failure);
					}
					else {
						reported.complete(Thread.currentThread());
					}
				});
				CompressibleMessage message = socket.readCompressibleMessage();
				assertThat(message.opcode()).as("opcode of %d bytes", length).isEqualTo(OPCODE_TEXT);
				assertThat(new String(message.payload(), StandardCharsets.UTF_8)).as("text of %d bytes", length)
					.isEqualTo(text);
				Thread reporter = reported.get(WAIT_SECONDS, TimeUnit.SECONDS);
				if (length <= 1024) {
					assertThat(reporter).as("thread reporting %d bytes", length).isSameAs(Thread.currentThread());
				}
			}
		}
	}

	@Test
	void framesTheSocketTakesOnlyInPartArriveWholeAndInOrderWithTheContainersPongBetweenThem() throws Exception {
		// A client that reads nothing until every frame is queued, with a small receive
		// buffer: the socket fills up in the middle of a frame, and frames go into it in
		// parts, small and large ones alike. Its ping, sent then, is answered by the
		// container while the rest of a frame waits.
		try (RawWebSocket socket = RawWebSocket.connect(this.port, 4096)) {
			ClientConnection client = onlyClient();
			List<String> sent = new ArrayList<>();
			for (int i = 0; i < 810; i++) {
				// Frames within the shared direct frame and larger ones (below Jetty's
				// largest frame), which are written from the payload itself.
				int length = (i % 4 == 3) ? 60_000 : 10_000;
				String text = i + ":" + String.valueOf((char) ('a' + i % 26)).repeat(length);
				sent.add(text);
				client.deliver(text, null);
			}
			assertThat(client.outbound().queuedBytes()).as("bytes the socket did not take at once").isPositive();
			byte[] ping = "are you there".getBytes(StandardCharsets.UTF_8);
			socket.sendFrame(true, OPCODE_PING, ping);
			List<byte[]> pongs = new ArrayList<>();
			int next = 0;
			while (next < sent.size()) {
				Frame frame = socket.readFrame();
				if (frame.opcode() == OPCODE_PONG) {
					pongs.add(frame.payload());
					continue;
				}
				assertThat(frame.opcode()).as("opcode after frame %d", next).isEqualTo(OPCODE_TEXT);
				assertThat(frame.fin()).isTrue();
				String expected = sent.get(next);
				assertThat(frame.text()).as("frame %s", expected.substring(0, expected.indexOf(':')))
					.isEqualTo(expected);
				next++;
			}
			if (pongs.isEmpty()) {
				// The container answered once every frame had gone.
				Frame frame = socket.readFrame();
				assertThat(frame.opcode()).isEqualTo(OPCODE_PONG);
				pongs.add(frame.payload());
			}
			assertThat(pongs).singleElement().isEqualTo(ping);
		}
	}

	private ClientConnection onlyClient() {
		await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == 1);
		ClientConnection client = this.clients.all().iterator().next();
		assertThat(client.transport().writesDirectly()).as("direct write").isTrue();
		return client;
	}

}

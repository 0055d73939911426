package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.Frame;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Tomcat, a text frame to an idle client is written whole, with the header Tomcat
 * would write for every payload length, and a frame the socket takes at once is reported
 * on the sending thread instead of one of Tomcat's workers. Pings are off, so that no
 * frame of Tomcat's own is in flight; the send buffer is larger than the socket's, so
 * that a client that does not read fills the socket before the buffer.
 */
@Tag("tomcat-only")
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.ping-interval=10m", "ambiorix.websocket.idle-timeout=20m",
				"ambiorix.websocket.send-buffer-size=32MB" })
class TomcatDirectWriteTest {

	private static final long WAIT_SECONDS = 20;

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Test
	void framesOfEveryLengthArriveWholeAndSmallOnesAreReportedOnTheSendingThread() throws Exception {
		try (RawWebSocket socket = RawWebSocket.connect(this.port, 1 << 20)) {
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == 1);
			Transport transport = this.clients.all().iterator().next().transport();
			assertThat(transport).isInstanceOf(TomcatTransport.class);
			assertThat(((TomcatTransport) transport).writesDirectly()).as("direct write").isTrue();
			// 7-bit, 16-bit and 64-bit payload lengths, at their edges, and multi-byte
			// text.
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
				Frame frame = socket.readFrame();
				assertThat(frame.opcode()).as("opcode of %d bytes", length).isEqualTo(1);
				assertThat(frame.fin()).isTrue();
				assertThat(frame.text()).as("text of %d bytes", length).isEqualTo(text);
				Thread reporter = reported.get(WAIT_SECONDS, TimeUnit.SECONDS);
				if (length <= 1024) {
					assertThat(reporter).as("thread reporting %d bytes", length).isSameAs(Thread.currentThread());
				}
			}
		}
	}

	@Test
	void framesTheSocketTakesOnlyInPartArriveWholeAndInOrder() throws Exception {
		// A client that reads nothing until every frame is queued, with a small receive
		// buffer: the socket fills up in the middle of a frame, and frames go into it in
		// parts, small and large ones alike.
		try (RawWebSocket socket = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> this.clients.count() == 1);
			ClientConnection client = this.clients.all().iterator().next();
			List<String> sent = new ArrayList<>();
			for (int i = 0; i < 810; i++) {
				// Frames within the shared direct frame until the socket fills up, then
				// larger ones.
				int length = (i < 800) ? 10_000 : 100_000;
				String text = i + ":" + String.valueOf((char) ('a' + i % 26)).repeat(length);
				sent.add(text);
				client.deliver(text, null);
			}
			assertThat(client.outbound().queuedBytes()).as("bytes the socket did not take at once").isPositive();
			for (String text : sent) {
				Frame frame = socket.readFrame();
				assertThat(frame.opcode()).isEqualTo(1);
				assertThat(frame.text()).as("frame %s", text.substring(0, text.indexOf(':'))).isEqualTo(text);
			}
		}
	}

}

package dev.ambiorix.spring.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing a client sends after the server has dropped it runs a handler: neither the rest
 * of a message that was too big, nor frames from a client dropped as slow or idle.
 */
@SpringBootTest(classes = { TestApplication.class, TerminatedClientFramesTest.Recorder.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "ambiorix.websocket.ping-interval=200ms",
				"ambiorix.websocket.idle-timeout=1s", "ambiorix.websocket.send-buffer-size=64KB" })
class TerminatedClientFramesTest {

	private static final byte[] LEAK = TestClient.envelope("record", "leak", 1).getBytes(StandardCharsets.UTF_8);

	@LocalServerPort
	int port;

	@Autowired
	AmbiorixWebSocketHandler handler;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Autowired
	Recorder recorder;

	@Test
	void fragmentsAfterAMessageTooBigAreNotDispatchedAsNewMessages() throws Exception {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, 64 * 1024)) {
			String id = awaitOneClient();
			long frames = this.handler.counters().frames();
			byte[] part = "x".repeat(40 * 1024).getBytes(StandardCharsets.UTF_8);
			raw.sendFrame(false, 1, part);
			// Over the 64 KiB limit: the client is closed with 1009. Then, before the
			// server can have closed, a last fragment that is a whole envelope on its
			// own.
			raw.sendFrames(new RawWebSocket.Frame(0, false, part), new RawWebSocket.Frame(0, true, LEAK));
			assertThat(closeAndDrain(raw)).isEqualTo(1009);
			this.events.awaitDisconnected(id);
			assertThat(this.handler.counters().frames()).as("frames handled after the 1009").isEqualTo(frames);
			assertThat(this.recorder.closedClients).as("handler calls for a dropped client").hasValue(0);
		}
	}

	@Test
	void framesFromAClientDroppedAsIdleRunNoHandler() throws Exception {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, 64 * 1024)) {
			String id = awaitOneClient();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.find(id).isEmpty());
			long frames = this.handler.counters().frames();
			sendQuietly(raw, 1, LEAK);
			sendQuietly(raw, 1, LEAK);
			assertThat(closeAndDrain(raw)).isEqualTo(1001);
			this.events.awaitDisconnected(id);
			assertThat(this.handler.counters().frames()).as("frames handled after the idle timeout").isEqualTo(frames);
			assertThat(this.recorder.closedClients).as("handler calls for a dropped client").hasValue(0);
		}
	}

	@Test
	void framesFromAClientDroppedAsSlowRunNoHandler() throws Exception {
		try (RawWebSocket raw = RawWebSocket.connect(this.port, 4096)) {
			String id = awaitOneClient();
			// Requests whose replies it never reads, sent faster than the server can
			// drop it: some are still on their way when it is dropped.
			byte[] request = TestClient.envelope("record", "x".repeat(16 * 1024), null)
				.getBytes(StandardCharsets.UTF_8);
			Thread sender = new Thread(() -> {
				for (int i = 0; i < 4000; i++) {
					try {
						raw.sendFrame(true, 1, request);
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "slow-client-sender");
			sender.setDaemon(true);
			sender.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> this.clients.find(id).isEmpty());
			long frames = this.handler.counters().frames();
			assertThat(this.events.awaitDisconnected(id).status().getCode()).isEqualTo(1008);
			sender.join(10_000);
			assertThat(this.handler.counters().frames()).as("frames handled after the client was dropped")
				.isEqualTo(frames);
			assertThat(this.recorder.closedClients).as("handler calls for a dropped client").hasValue(0);
		}
	}

	private String awaitOneClient() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
		return this.clients.all().iterator().next().id();
	}

	private static void sendQuietly(RawWebSocket raw, int opcode, byte[] payload) {
		try {
			raw.sendFrame(true, opcode, payload);
		}
		catch (IOException ex) {
			// The server may already have closed the connection: then nothing can leak.
		}
	}

	/**
	 * Read until the server's close frame, answer it, and read on until the server ends
	 * the connection: by then it has read everything the client sent.
	 * @return the server's close code
	 */
	private static int closeAndDrain(RawWebSocket raw) throws IOException {
		int code = -1;
		try {
			while (true) {
				RawWebSocket.Frame frame = raw.readFrame();
				if (frame.opcode() == 8 && code < 0) {
					code = frame.closeCode();
					raw.sendFrame(true, 8, new byte[] { (byte) (code >> 8), (byte) code });
				}
			}
		}
		catch (IOException ex) {
			// End of stream: the server has closed the connection.
		}
		return code;
	}

	/**
	 * Echoes its message, counting the calls made for a client that was already dropped.
	 */
	static class Recorder {

		final AtomicInteger closedClients = new AtomicInteger();

		@Receive("record")
		String record(WebSocketClient client, String text) {
			if (!client.isOpen()) {
				this.closedClients.incrementAndGet();
			}
			return text;
		}

	}

}

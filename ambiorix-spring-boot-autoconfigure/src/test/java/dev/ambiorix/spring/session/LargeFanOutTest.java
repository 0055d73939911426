package dev.ambiorix.spring.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The parallel fan-out over real connections: a thousand clients, past the threshold at
 * which a broadcast is split across threads, each get every broadcast once and in order.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class LargeFanOutTest {

	private static final int CLIENTS = 1000;

	private static final int BROADCASTS = 20;

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Test
	void thousandRealClientsEachGetEveryBroadcastInOrder() throws Exception {
		assertThat(CLIENTS).isGreaterThan(LocalFrameDelivery.PARALLEL_THRESHOLD);
		List<RawWebSocket> connected = new ArrayList<>(CLIENTS);
		try {
			for (int i = 0; i < CLIENTS; i++) {
				connected.add(RawWebSocket.connect(this.port, 64 * 1024));
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> this.clients.count() == CLIENTS);
			for (int i = 0; i < BROADCASTS; i++) {
				this.clients.broadcast("seq", i);
			}
			assertThat(Thread.getAllStackTraces().keySet()).as("the fan-out went parallel")
				.anyMatch((thread) -> thread.getName().startsWith("ambiorix-fanout-"));
			// Small frames: every client's share waits in its socket until read here.
			JsonMapper json = JsonMapper.builder().build();
			for (int c = 0; c < CLIENTS; c++) {
				RawWebSocket client = connected.get(c);
				for (int i = 0; i < BROADCASTS; i++) {
					JsonNode frame = json.readTree(nextText(client));
					assertThat(frame.get("name").stringValue()).isEqualTo("seq");
					assertThat(frame.get("message").intValue()).as("client %d, broadcast %d", c, i).isEqualTo(i);
				}
			}
			// Nothing came twice: each client's next frame is the one sent after all of
			// them.
			this.clients.broadcast("end", null);
			for (int c = 0; c < CLIENTS; c++) {
				assertThat(json.readTree(nextText(connected.get(c))).get("name").stringValue()).isEqualTo("end");
			}
		}
		finally {
			for (RawWebSocket client : connected) {
				client.close();
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.clients.count() == 0);
	}

	/** The next text frame, skipping pings. */
	private static String nextText(RawWebSocket client) throws IOException {
		RawWebSocket.Frame frame;
		do {
			frame = client.readFrame();
		}
		while (frame.opcode() == 9);
		assertThat(frame.opcode()).isEqualTo(1);
		return frame.text();
	}

}

package dev.ambiorix.spring.session;

import java.time.Duration;

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
 * A client that never reads cannot slow anyone else down: its send buffer overflows and
 * it is closed with 1008, while a client that reads gets every broadcast.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.send-buffer-size=256KB", "ambiorix.websocket.send-time-limit=60s" })
class SlowClientTest {

	/** The buffer, plus the most the kernel's socket buffers can take (4 MB), twice. */
	private static final int FRAMES = 1100;

	private static final int BATCH = 16;

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void clientThatNeverReadsOverflowsItsBufferAndIsClosedWith1008WhileOthersGetEverything() throws Exception {
		try (RawWebSocket stuck = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String stuckId = this.clients.all().iterator().next().id();
			try (AmbiorixConnection healthy = AmbiorixConnection.connect(this.port)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
				String chunk = "x".repeat(8 * 1024);
				// In batches the healthy client reads before the next, so that only the
				// stuck client's buffer can fill.
				for (int sent = 0; sent < FRAMES; sent += BATCH) {
					for (int i = sent; i < sent + BATCH; i++) {
						this.clients.broadcast("bulk", i + ":" + chunk);
					}
					for (int i = sent; i < sent + BATCH; i++) {
						assertThat(healthy.next().message().stringValue()).startsWith(i + ":");
					}
				}
				ClientDisconnectedEvent gone = this.events.awaitDisconnected(stuckId);
				assertThat(gone.status().getCode()).isEqualTo(1008);
				assertThat(gone.status().getReason()).isEqualTo("send buffer overflow: client is not reading");
				assertThat(this.clients.find(stuckId)).isEmpty();
				assertThat(healthy.isOpen()).isTrue();
				assertThat(this.clients.count()).isEqualTo(1);
			}
		}
	}

}

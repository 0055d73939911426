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
 * A client that never reads cannot slow anyone else down, and is dropped by the send time
 * limit when its buffer does not overflow first (3.2 MB into 4 MB).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "ambiorix.websocket.send-time-limit=2s")
class SendTimeLimitTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void clientThatNeverReadsDoesNotDelayBroadcastsAndIsClosedWith1008WhenItsSendTakesTooLong() throws Exception {
		try (RawWebSocket stuck = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String stuckId = this.clients.all().iterator().next().id();
			try (AmbiorixConnection healthy = AmbiorixConnection.connect(this.port)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
				String chunk = "x".repeat(8 * 1024);
				for (int i = 0; i < 400; i++) {
					this.clients.broadcast("bulk", i + ":" + chunk);
				}
				for (int i = 0; i < 400; i++) {
					assertThat(healthy.next().message().stringValue()).startsWith(i + ":");
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.find(stuckId).isEmpty());
				assertThat(healthy.isOpen()).isTrue();
				assertThat(this.clients.count()).isEqualTo(1);
				ClientDisconnectedEvent gone = this.events.awaitDisconnected(stuckId);
				assertThat(gone.status().getCode()).isEqualTo(1008);
				assertThat(gone.status().getReason()).isEqualTo("send time limit exceeded: client is not reading");
			}
		}
	}

}

package dev.ambiorix.spring.reliability;

import java.time.Duration;

import dev.ambiorix.spring.WebSocketClient;
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
 * A client that went away without a close frame, and so never answers a ping, is found by
 * the idle timeout and dropped; a quiet client that answers pings is kept.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.ping-interval=200ms", "ambiorix.websocket.idle-timeout=1s" })
class HalfOpenClientTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void halfOpenClientIsDroppedByTheIdleTimeoutWhileAQuietLiveClientStays() throws Exception {
		// The JDK client answers every ping with a pong, as browsers do.
		try (AmbiorixConnection live = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String liveId = this.clients.all().iterator().next().id();
			// Handshake done, then silence: it neither reads nor answers pings.
			try (RawWebSocket halfOpen = RawWebSocket.connect(this.port, 4096)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
				String halfOpenId = this.clients.all()
					.stream()
					.map(WebSocketClient::id)
					.filter((id) -> !id.equals(liveId))
					.findFirst()
					.orElseThrow();
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.find(halfOpenId).isEmpty());
				ClientDisconnectedEvent dropped = this.events.awaitDisconnected(halfOpenId);
				assertThat(dropped.status().getCode()).isEqualTo(1001);
				assertThat(dropped.status().getReason()).isEqualTo("idle timeout");
			}
			// Several idle timeouts long: only pongs keep the live client.
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(5))
				.until(() -> live.isOpen() && this.clients.find(liveId).isPresent());
			assertThat(live.request("shout", "still here").stringValue()).isEqualTo("STILL HERE");
		}
	}

}

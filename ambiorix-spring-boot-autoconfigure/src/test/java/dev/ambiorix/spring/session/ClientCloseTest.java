package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client the application closes leaves the registry at once; what was queued before the
 * close still goes out, and nothing sent after it is queued.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ClientCloseTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void closedClientLeavesAtOnceAndLaterSendsAreNotQueued() throws Exception {
		try (AmbiorixConnection other = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String otherId = this.clients.all().iterator().next().id();
			try (AmbiorixConnection closing = AmbiorixConnection.connect(this.port)) {
				await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
				WebSocketClient client = this.clients.all()
					.stream()
					.filter((candidate) -> !candidate.id().equals(otherId))
					.findFirst()
					.orElseThrow();
				assertThat(client.send("before", 1)).isTrue();
				client.close(CloseStatus.NORMAL.withReason("bye"));
				// No waiting for the container: the registry says so on return.
				assertThat(this.clients.find(client.id())).isEmpty();
				assertThat(this.clients.count()).isEqualTo(1);
				assertThat(this.clients.all()).extracting(WebSocketClient::id).containsExactly(otherId);
				assertThat(client.isOpen()).isFalse();
				assertThat(client.send("after", 2)).isFalse();
				this.clients.broadcast("news", "to the open ones");
				assertThat(closing.next().name()).isEqualTo("before");
				assertThat(closing.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
				assertThat(closing.closeReason()).isEqualTo("bye");
				assertThat(closing.pending()).as("nothing after the close").isZero();
				assertThat(other.next().message().stringValue()).isEqualTo("to the open ones");
				assertThat(this.events.awaitDisconnected(client.id()).status().getCode()).isEqualTo(1000);
			}
		}
	}

}

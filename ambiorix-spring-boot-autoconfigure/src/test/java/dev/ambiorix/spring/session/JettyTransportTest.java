package dev.ambiorix.spring.session;

import java.time.Duration;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Jetty, clients get the transport on Jetty's own asynchronous API, and a client that
 * has stopped reading is closed without any thread waiting for it. Runs only in the
 * {@code jetty-tests} execution, whose classpath has Jetty instead of Tomcat.
 */
@Tag("jetty")
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.send-time-limit=2s", "ambiorix.websocket.max-text-message-size=100KB" })
class JettyTransportTest {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	LocalClients clients;

	@Autowired
	WebSocketClients webSocketClients;

	@Autowired
	ConnectionEvents events;

	@Test
	void clientsOnJettyUseJettysAsynchronousApi() {
		assertThat(this.context.getWebServer().getClass().getName()).contains("Jetty");
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			assertThat(client.request("shout", "hi").stringValue()).isEqualTo("HI");
			assertThat(this.clients.all()).singleElement()
				.extracting(ClientConnection::transport)
				.isInstanceOf(JettyTransport.class);
		}
	}

	@Test
	void jettysOwnLimitsFollowTheEndpointsSinceTheSupervisorOwnsIdleness() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			WebSocketSession session = this.clients.all().iterator().next().session();
			Session jetty = ((NativeWebSocketSession) session).getNativeSession(Session.class);
			assertThat(jetty.getIdleTimeout()).isZero();
			assertThat(jetty.getMaxTextMessageSize()).isEqualTo(100 * 1024);
			assertThat(jetty.getMaxBinaryMessageSize()).isEqualTo(100 * 1024);
		}
	}

	@Test
	void stuckClientIsDisconnectedWithinTheCloseBoundAndNoThreadWaitsForIt() throws Exception {
		try (RawWebSocket stuck = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String stuckId = this.clients.all().iterator().next().id();
			String chunk = "x".repeat(8 * 1024);
			long start = System.nanoTime();
			for (int i = 0; i < 1000 && this.webSocketClients.find(stuckId).isPresent(); i++) {
				this.webSocketClients.broadcast("bulk", i + ":" + chunk);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> this.webSocketClients.find(stuckId).isEmpty());
			long terminated = System.nanoTime();
			// The close frame waits behind data the client never reads: Jetty drops the
			// connection after a second without progress.
			ClientDisconnectedEvent gone = this.events.awaitDisconnected(stuckId);
			long closed = System.nanoTime();
			System.out.printf("Stuck client on Jetty: terminated after %d ms, connection closed %d ms later (%s)%n",
					(terminated - start) / 1_000_000, (closed - terminated) / 1_000_000, gone.status());
			assertThat(gone.status().getCode()).isEqualTo(1008);
			assertThat(Duration.ofNanos(closed - terminated)).isLessThan(Duration.ofSeconds(4));
			assertThat(Thread.getAllStackTraces().keySet())
				.noneMatch((thread) -> thread.getName().startsWith("ambiorix-background-"));
		}
	}

}

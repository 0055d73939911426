package dev.ambiorix.spring.endpoint;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Jetty, the endpoint's own settings (its size limit, no Jetty idle timeout) go to its
 * own connections only: another WebSocket endpoint of the application keeps Jetty's. Runs
 * only in the {@code jetty-tests} execution.
 */
@Tag("jetty")
@SpringBootTest(classes = { TestApplication.class, OtherEndpointOnJettyTest.OtherEndpoint.class },
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "ambiorix.websocket.max-text-message-size=100KB")
class OtherEndpointOnJettyTest {

	@LocalServerPort
	int port;

	@Autowired
	OtherEndpoint other;

	@Autowired
	LocalClients clients;

	@Test
	void anotherEndpointKeepsJettysOwnSettings() {
		try (AmbiorixConnection ours = AmbiorixConnection.connect(this.port);
				TestClient theirs = TestClient.connect(this.port, "/other", Map.of())) {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.clients.count() == 1 && this.other.session.get() != null);
			// Jetty's types stay in method bodies: the Tomcat run discovers this class
			// without Jetty on its classpath.
			Session ourSession = ((NativeWebSocketSession) this.clients.all().iterator().next().session())
				.getNativeSession(Session.class);
			Session otherSession = ((NativeWebSocketSession) this.other.session.get()).getNativeSession(Session.class);
			assertThat(ourSession).isNotNull();
			assertThat(otherSession).isNotNull();
			assertThat(ourSession.getIdleTimeout()).isZero();
			assertThat(ourSession.getMaxTextMessageSize()).isEqualTo(100 * 1024);
			assertThat(otherSession.getIdleTimeout()).isPositive();
			assertThat(otherSession.getMaxTextMessageSize()).isNotEqualTo(100 * 1024);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class OtherEndpoint implements WebSocketConfigurer {

		final AtomicReference<WebSocketSession> session = new AtomicReference<>();

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(new TextWebSocketHandler() {
				@Override
				public void afterConnectionEstablished(WebSocketSession session) {
					OtherEndpoint.this.session.set(session);
				}
			}, "/other");
		}

	}

}

package dev.ambiorix.spring.endpoint;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;

import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application's own {@code @ServerEndpoint}, which takes messages whole, keeps the
 * container's buffer sizes and limits: the endpoint's small Tomcat buffers are for its
 * own connections only. Runs on Tomcat and again on Jetty.
 */
@SpringBootTest(classes = { TestApplication.class, OtherServerEndpointTest.Config.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class OtherServerEndpointTest {

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Test
	void aMessageOf5000CharactersToAnotherEndpointArrivesWholeWhileOursStillWorks() {
		try (AmbiorixConnection ours = AmbiorixConnection.connect(this.port);
				TestClient theirs = TestClient.connect(this.port, "/whole", Map.of())) {
			String large = "x".repeat(4_999) + "!";
			theirs.sendText(large);
			assertThat(theirs.nextText()).isEqualTo("5000 characters, ending in !");
			assertThat(theirs.isOpen()).isTrue();
			assertThat(ours.request("shout", "y".repeat(4_999) + "!").stringValue()).hasSize(5_000).endsWith("!");
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			WebSocketSession session = this.clients.all().iterator().next().session();
			if (session instanceof StandardWebSocketSession standard) {
				// Tomcat: only our connection has the small buffers.
				Session tomcat = standard.getNativeSession(Session.class);
				assertThat(tomcat.getMaxTextMessageBufferSize()).isEqualTo(TomcatMessageBuffers.SIZE);
				assertThat(tomcat.getMaxBinaryMessageBufferSize()).isEqualTo(TomcatMessageBuffers.SIZE);
				assertThat(tomcat.getContainer().getDefaultMaxTextMessageBufferSize()).isEqualTo(8192);
				// The other endpoint's connection keeps Tomcat's raw buffers too.
				Session other = WholeMessageEndpoint.opened;
				assertThat(other).isNotNull();
				Object remote = ReflectionTestUtils.getField(other, "wsRemoteEndpoint");
				Object handler = ReflectionTestUtils.invokeMethod(ReflectionTestUtils.getField(remote, "socketWrapper"),
						"getSocketBufferHandler");
				ByteBuffer read = ReflectionTestUtils.invokeMethod(handler, "getReadBuffer");
				ByteBuffer input = (ByteBuffer) ReflectionTestUtils
					.getField(ReflectionTestUtils.getField(other, "wsFrame"), "inputBuffer");
				assertThat(read.capacity()).isEqualTo(8192);
				assertThat(input.capacity()).isEqualTo(8192);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		static ServerEndpointExporter serverEndpointExporter() {
			ServerEndpointExporter exporter = new ServerEndpointExporter();
			exporter.setAnnotatedEndpointClasses(WholeMessageEndpoint.class);
			return exporter;
		}

	}

	/**
	 * Counts each message, which Tomcat hands over only when it is whole.
	 */
	@ServerEndpoint("/whole")
	public static class WholeMessageEndpoint {

		static volatile @Nullable Session opened;

		@OnOpen
		public void onOpen(Session session) {
			opened = session;
		}

		@OnMessage
		public String onMessage(String message) {
			return message.length() + " characters, ending in " + message.charAt(message.length() - 1);
		}

	}

}

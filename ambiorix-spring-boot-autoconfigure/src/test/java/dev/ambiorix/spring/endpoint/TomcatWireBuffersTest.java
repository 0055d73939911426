package dev.ambiorix.spring.endpoint;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Tomcat the endpoint's own connections hold small raw buffers while they live, still
 * carry messages many times larger, and hand Tomcat's pooled socket channels back with
 * Tomcat's own buffer sizes, so that the next HTTP connection gets what it always got.
 * Runs on Tomcat and again on Jetty, where only the messages are checked.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class TomcatWireBuffersTest {

	private static final int CLIENTS = 3;

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Autowired
	WebServerApplicationContext context;

	@Test
	void connectionsHoldSmallBuffersCarryLargeMessagesAndGiveTomcatItsOwnSizesBack() {
		List<TestClient> open = new ArrayList<>();
		try {
			for (int i = 0; i < CLIENTS; i++) {
				open.add(TestClient.connect(this.port));
			}
			for (TestClient client : open) {
				// 40,000 characters in and out: dozens of 1 KB reads on Tomcat.
				client.request("shout", "y".repeat(39_999) + "!", 1);
				assertThat(client.next().get("message").stringValue()).hasSize(40_000).endsWith("!");
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == CLIENTS);
			for (ClientConnection client : this.clients.all()) {
				Object remote = tomcatRemoteEndpoint(client);
				if (remote == null) {
					continue;
				}
				Object wrapper = field(remote, "socketWrapper");
				Object handler = ReflectionTestUtils.invokeMethod(wrapper, "getSocketBufferHandler");
				assertThat(buffer(handler, "getReadBuffer").capacity()).isEqualTo(TomcatWireBuffers.READ_SIZE);
				assertThat(buffer(handler, "getWriteBuffer").capacity()).isZero();
				Object frame = field(field(remote, "wsSession"), "wsFrame");
				assertThat(((ByteBuffer) field(frame, "inputBuffer")).capacity())
					.isEqualTo(TomcatWireBuffers.READ_SIZE);
				assertThat(((ByteBuffer) field(remote, "outputBuffer")).capacity()).isZero();
			}
		}
		finally {
			open.forEach(TestClient::close);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> this.clients.count() == 0);
		Object endpoint = tomcatEndpoint();
		if (endpoint != null) {
			// Every pooled channel, ours included once Tomcat has pooled them, has
			// Tomcat's
			// own buffers of socket.appReadBufSize and socket.appWriteBufSize (8 KB).
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				List<Object> pooled = pooledChannels(endpoint);
				assertThat(pooled).hasSizeGreaterThanOrEqualTo(CLIENTS);
				for (Object channel : pooled) {
					Object handler = ReflectionTestUtils.invokeMethod(channel, "getBufHandler");
					assertThat(handler.getClass().getName())
						.isEqualTo("org.apache.tomcat.util.net.SocketBufferHandler");
					assertThat(buffer(handler, "getReadBuffer").capacity()).isEqualTo(8192);
					assertThat(buffer(handler, "getWriteBuffer").capacity()).isEqualTo(8192);
				}
			});
		}
	}

	private static @Nullable Object tomcatRemoteEndpoint(ClientConnection client) {
		if (!(client.session() instanceof StandardWebSocketSession standard)) {
			return null;
		}
		Session session = standard.getNativeSession(Session.class);
		if (session == null || !session.getClass().getName().startsWith("org.apache.tomcat.")) {
			return null;
		}
		return field(session, "wsRemoteEndpoint");
	}

	private @Nullable Object tomcatEndpoint() {
		Object server = this.context.getWebServer();
		if (!server.getClass().getName().endsWith("TomcatWebServer")) {
			return null;
		}
		Object tomcat = ReflectionTestUtils.invokeMethod(server, "getTomcat");
		Object connector = ReflectionTestUtils.invokeMethod(tomcat, "getConnector");
		Object protocol = ReflectionTestUtils.invokeMethod(connector, "getProtocolHandler");
		return ReflectionTestUtils.invokeMethod(protocol, "getEndpoint");
	}

	/** Takes every channel out of Tomcat's pool and puts them back. */
	private static List<Object> pooledChannels(Object endpoint) {
		Object stack = ReflectionTestUtils.invokeMethod(endpoint, "getNioChannels");
		List<Object> channels = new ArrayList<>();
		Object channel;
		while ((channel = ReflectionTestUtils.invokeMethod(stack, "pop")) != null) {
			channels.add(channel);
		}
		for (Object each : channels) {
			ReflectionTestUtils.invokeMethod(stack, "push", each);
		}
		return channels;
	}

	private static Object field(Object target, String name) {
		Object value = ReflectionTestUtils.getField(target, name);
		assertThat(value).as(name).isNotNull();
		return value;
	}

	private static ByteBuffer buffer(@Nullable Object handler, String getter) {
		assertThat(handler).isNotNull();
		ByteBuffer buffer = ReflectionTestUtils.invokeMethod(handler, getter);
		assertThat(buffer).isNotNull();
		return buffer;
	}

}

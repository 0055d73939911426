package dev.ambiorix.spring.endpoint;

import java.util.Map;

import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STOMP ({@code @EnableWebSocketMessageBroker}) at {@code /stomp} and an application's
 * own {@link WebSocketConfigurer} endpoint at {@code /other} live beside ours at
 * {@code /}: each answers at its own path, and neither switches ours off.
 */
@SpringBootTest(classes = { TestApplication.class, OtherEndpointsBesideOursTest.Stomp.class,
		OtherEndpointsBesideOursTest.Other.class }, webEnvironment = WebEnvironment.RANDOM_PORT)
class OtherEndpointsBesideOursTest {

	@LocalServerPort
	int port;

	@Test
	void stompAndOurEndpointBothWork() {
		try (AmbiorixConnection ours = AmbiorixConnection.connect(this.port);
				TestClient stomp = TestClient.connect(this.port, "/stomp", Map.of())) {
			stomp.sendText("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0");
			assertThat(stomp.nextText()).startsWith("CONNECTED\n");
			stomp.sendText("SUBSCRIBE\nid:0\ndestination:/topic/news\n\n\0");
			stomp.sendText("SEND\ndestination:/topic/news\ncontent-type:text/plain\n\nextra\0");
			assertThat(stomp.nextText()).startsWith("MESSAGE\n")
				.contains("destination:/topic/news")
				.endsWith("extra\0");

			assertThat(ours.request("shout", "hi").stringValue()).isEqualTo("HI");
		}
	}

	@Test
	void anApplicationEndpointAndOursBothWork() {
		try (AmbiorixConnection ours = AmbiorixConnection.connect(this.port);
				TestClient other = TestClient.connect(this.port, "/other", Map.of())) {
			other.sendText("ping");
			assertThat(other.nextText()).isEqualTo("other: ping");
			assertThat(ours.request("shout", "hi").stringValue()).isEqualTo("HI");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class Stomp implements WebSocketMessageBrokerConfigurer {

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/stomp");
			// The subscription is in place before the message that follows it.
			registry.setPreserveReceiveOrder(true);
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class Other implements WebSocketConfigurer {

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(new TextWebSocketHandler() {
				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
					session.sendMessage(new TextMessage("other: " + message.getPayload()));
				}
			}, "/other");
		}

	}

}

package dev.ambiorix.spring.endpoint;

import dev.ambiorix.spring.RawWebSocketHandler;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own {@code WebSocketHandler}, qualified
 * {@link RawWebSocketHandler @RawWebSocketHandler}, gets the raw connection at {@code /},
 * like Ambiorix's {@code app$websocket}.
 */
@SpringBootTest(classes = RawHandlerTakeoverTest.RawApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class RawHandlerTakeoverTest {

	@LocalServerPort
	int port;

	@Test
	void rawHandlerSeesFramesUntouched() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.sendText("not an envelope");
			assertThat(client.nextText()).isEqualTo("raw: not an envelope");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class RawApplication {

		@Bean
		@RawWebSocketHandler
		TextWebSocketHandler rawHandler() {
			return new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
					session.sendMessage(new TextMessage("raw: " + message.getPayload()));
				}

			};
		}

	}

}

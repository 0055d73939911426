package dev.ambiorix.bench.floor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The floor: what anyone could write by hand on the same stack. One
 * {@link TextWebSocketHandler} parses each frame with Jackson, replies to {@code echo}
 * and broadcasts {@code chat} by looping over a map of
 * {@link ConcurrentWebSocketSessionDecorator}s.
 */
@SpringBootApplication
@EnableWebSocket
public class FloorBenchServer implements WebSocketConfigurer {

	public static void main(String[] args) {
		SpringApplication.run(FloorBenchServer.class, args);
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(new FloorHandler(), "/");
	}

	static final class FloorHandler extends TextWebSocketHandler {

		private final JsonMapper mapper = new JsonMapper();

		private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			// The limits Spring's own documentation suggests: 10 s and 512 KB.
			this.sessions.put(session.getId(), new ConcurrentWebSocketSessionDecorator(session, 10_000, 512 * 1024));
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.sessions.remove(session.getId());
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage text) throws IOException {
			JsonNode envelope = this.mapper.readTree(text.getPayload());
			if (!envelope.path("isAmbiorix").asBoolean(false)) {
				return;
			}
			String name = envelope.path("name").asString();
			JsonNode message = envelope.path("message");
			if ("echo".equals(name)) {
				WebSocketSession sender = this.sessions.get(session.getId());
				if (sender != null) {
					sender.sendMessage(new TextMessage(write("echo", message)));
				}
			}
			else if ("chat".equals(name)) {
				TextMessage frame = new TextMessage(write("chat", message));
				for (WebSocketSession each : this.sessions.values()) {
					try {
						each.sendMessage(frame);
					}
					catch (IOException | RuntimeException ex) {
						// One client's failure must not stop the broadcast.
					}
				}
			}
		}

		private String write(String name, JsonNode message) {
			ObjectNode out = JsonNodeFactory.instance.objectNode();
			out.put("name", name);
			out.set("message", message);
			out.put("isAmbiorix", true);
			return this.mapper.writeValueAsString(out);
		}

	}

	/**
	 * Live heap after a full collection, read by the harness before and after opening
	 * idle connections.
	 */
	@RestController
	static class HeapEndpoint {

		@GetMapping("/bench/heap")
		Map<String, Long> heap() throws InterruptedException {
			for (int i = 0; i < 3; i++) {
				System.gc();
				Thread.sleep(100);
			}
			return Map.of("heapUsed", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}

	}

}

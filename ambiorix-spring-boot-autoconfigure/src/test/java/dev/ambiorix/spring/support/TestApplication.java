package dev.ambiorix.spring.support;

import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.web.socket.WebSocketSession;

/**
 * An application with one handler of each kind the tests exercise.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

	@Bean
	Handlers handlers() {
		return new Handlers();
	}

	@Bean
	ConnectionEvents connectionEvents() {
		return new ConnectionEvents();
	}

	public record ChatMessage(@NotBlank String user, String text) {
	}

	public record Order(@Positive int quantity, @Valid @Nullable ChatMessage note) {
	}

	static class Handlers {

		@Receive("echo")
		JsonNode echo(JsonNode message) {
			return message;
		}

		@Receive("chat")
		ChatMessage chat(@Valid ChatMessage message) {
			return new ChatMessage(message.user(), message.text().toUpperCase());
		}

		@Receive("order")
		String order(@Valid Order order) {
			return "ok";
		}

		@Receive("count")
		int count(List<ChatMessage> messages) {
			return messages.size();
		}

		@Receive("users")
		List<String> users(@Valid List<ChatMessage> messages) {
			return messages.stream().map(ChatMessage::user).toList();
		}

		@Receive("increment")
		int increment(int value) {
			return value + 1;
		}

		@Receive("shout")
		String shout(String text) {
			return text.toUpperCase();
		}

		@Receive("map")
		Map<String, Object> map(Map<String, Object> message) {
			return new LinkedHashMap<>(message);
		}

		@Receive("fail")
		String fail() {
			throw new IllegalStateException("secret database password is hunter2");
		}

		@Receive("failLater")
		CompletionStage<String> failLater() {
			return CompletableFuture.supplyAsync(() -> {
				throw new IllegalStateException("secret");
			});
		}

		@Receive("later")
		CompletionStage<String> later(String text) {
			return CompletableFuture.supplyAsync(() -> "later:" + text,
					CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
		}

		@Receive("silent")
		void silent(String text) {
		}

		@Receive("whoami")
		Map<String, Object> whoami(WebSocketClient client, @Nullable Principal principal, WebSocketSession session,
				WebSocketClients clients) {
			Map<String, Object> answer = new LinkedHashMap<>();
			answer.put("id", client.id());
			answer.put("principal", (principal != null) ? principal.getName() : null);
			answer.put("session", session.isOpen());
			answer.put("count", clients.count());
			return answer;
		}

		@Receive("broadcast")
		void broadcast(String text, WebSocketClients clients) {
			clients.broadcast("news", text);
		}

		@Receive("broadcastExcept")
		void broadcastExcept(String text, WebSocketClient sender, WebSocketClients clients) {
			clients.broadcastExcept(sender, "news", text);
		}

		@Receive("sleep")
		String sleep(int millis) throws InterruptedException {
			Thread.sleep(millis);
			return "slept " + millis;
		}

	}

	/**
	 * Records connection events.
	 */
	public static class ConnectionEvents {

		public final List<ClientConnectedEvent> connected = new java.util.concurrent.CopyOnWriteArrayList<>();

		public final List<ClientDisconnectedEvent> disconnected = new java.util.concurrent.CopyOnWriteArrayList<>();

		@EventListener
		void on(ClientConnectedEvent event) {
			this.connected.add(event);
		}

		@EventListener
		void on(ClientDisconnectedEvent event) {
			this.disconnected.add(event);
		}

		/**
		 * Wait for the disconnect event of one client.
		 * @param id the client id
		 * @return the event
		 */
		public ClientDisconnectedEvent awaitDisconnected(String id) {
			return Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> this.disconnected.stream()
					.filter((event) -> event.client().id().equals(id))
					.findFirst()
					.orElse(null), Objects::nonNull);
		}

	}

}

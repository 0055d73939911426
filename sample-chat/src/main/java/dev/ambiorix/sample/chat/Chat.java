package dev.ambiorix.sample.chat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The whole chat server: join with a nickname, say something, leave.
 */
@Component
class Chat {

	record Join(@NotBlank @Size(max = 32) String nickname) {
	}

	record Say(@NotBlank @Size(max = 500) String text) {
	}

	record Post(String author, String text, Instant time) {
	}

	private final WebSocketClients clients;

	private final Deque<Post> recent = new ArrayDeque<>();

	Chat(WebSocketClients clients) {
		this.clients = clients;
	}

	/** Answers with the last 50 messages, so a newcomer sees the conversation. */
	@Receive("join")
	synchronized List<Post> join(@Valid Join join, WebSocketClient client) {
		client.attributes().put("nickname", join.nickname().strip());
		this.clients.broadcast("notice", join.nickname().strip() + " joined");
		broadcastOnline();
		return List.copyOf(this.recent);
	}

	@Receive("say")
	synchronized void say(@Valid Say say, WebSocketClient client) {
		Post post = new Post(nickname(client), say.text().strip(), Instant.now());
		this.recent.addLast(post);
		if (this.recent.size() > 50) {
			this.recent.removeFirst();
		}
		this.clients.broadcast("post", post);
	}

	@EventListener
	synchronized void left(ClientDisconnectedEvent event) {
		String nickname = (String) event.client().attributes().get("nickname");
		if (nickname != null) {
			this.clients.broadcast("notice", nickname + " left");
			broadcastOnline();
		}
	}

	private void broadcastOnline() {
		this.clients.broadcast("online",
				this.clients.all()
					.stream()
					.map((client) -> (String) client.attributes().get("nickname"))
					.filter(Objects::nonNull)
					.sorted(String.CASE_INSENSITIVE_ORDER)
					.toList());
	}

	private static String nickname(WebSocketClient client) {
		String nickname = (String) client.attributes().get("nickname");
		if (nickname == null) {
			throw new IllegalStateException("join before you say something");
		}
		return nickname;
	}

}

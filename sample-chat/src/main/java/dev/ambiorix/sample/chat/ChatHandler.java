package dev.ambiorix.sample.chat;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClients;

import org.springframework.stereotype.Component;

/**
 * Broadcasts every chat message to everyone.
 */
@Component
class ChatHandler {

	@Receive("chat")
	void chat(String text, WebSocketClients clients) {
		clients.broadcast("chat", text);
	}

}

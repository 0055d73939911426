package dev.ambiorix.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.WebSocketSession;

/**
 * Our server, with the handlers the client's tests talk to.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ClientTestApplication {

	/**
	 * Start the application on a given port, so that a test can stop it and start it
	 * again where its clients reconnect.
	 */
	static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(ClientTestApplication.class)
			.properties("server.port=" + port, "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Bean
	Handlers handlers(Inbox inbox) {
		return new Handlers(inbox);
	}

	@Bean
	Inbox inbox() {
		return new Inbox();
	}

	record Person(String name, int age) {
	}

	/**
	 * What the server received through {@code collect}, in order.
	 */
	static class Inbox {

		final List<String> messages = new CopyOnWriteArrayList<>();

	}

	static class Handlers {

		private final Inbox inbox;

		Handlers(Inbox inbox) {
			this.inbox = inbox;
		}

		@Receive("echo")
		JsonNode echo(JsonNode message) {
			return message;
		}

		@Receive("increment")
		int increment(int value) {
			return value + 1;
		}

		@Receive("collect")
		void collect(String message) {
			this.inbox.messages.add(message);
		}

		@Receive("shout")
		void shout(String text, WebSocketClient client) {
			client.send("news", text.toUpperCase());
		}

		@Receive("people")
		void people(WebSocketClient client) {
			client.send("people", List.of(new Person("Ada", 36), new Person("Grace", 85)));
		}

		@Receive("peopleReply")
		List<Person> peopleReply() {
			return List.of(new Person("Ada", 36), new Person("Grace", 85));
		}

		@Receive("big")
		String big(int length) {
			return "x".repeat(length);
		}

		@Receive("slow")
		String slow(int millis) throws InterruptedException {
			Thread.sleep(millis);
			return "slept " + millis;
		}

		@Receive("noted")
		String noted(int millis) throws InterruptedException {
			this.inbox.messages.add("noted " + millis);
			Thread.sleep(millis);
			return "noted after " + millis;
		}

		@Receive("handshake")
		List<String> handshake(WebSocketSession session) {
			HttpHeaders headers = session.getHandshakeHeaders();
			return List.of(String.valueOf(headers.getFirst("X-Token")),
					String.valueOf(headers.getFirst("Sec-WebSocket-Protocol")));
		}

		@Receive("fail")
		String fail() {
			throw new IllegalStateException("secret");
		}

	}

}

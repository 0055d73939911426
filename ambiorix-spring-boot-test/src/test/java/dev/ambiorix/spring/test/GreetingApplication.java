package dev.ambiorix.spring.test;

import java.util.List;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A small application to test the test support against.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class GreetingApplication {

	@Bean
	Handlers handlers() {
		return new Handlers();
	}

	record Greeting(String to, String text) {
	}

	static class Handlers {

		@Receive("greet")
		String greet(String name) {
			return "Hello, " + name;
		}

		@Receive("announce")
		void announce(String text, WebSocketClient sender, WebSocketClients clients) {
			clients.broadcastExcept(sender, "announcement", new Greeting("everyone", text));
		}

		@Receive("greetings")
		void greetings(WebSocketClient sender) {
			sender.send("greetings", List.of(new Greeting("Ada", "hi"), new Greeting("Grace", "hello")));
		}

	}

}

package dev.ambiorix.spring.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Receive;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter leaves the container to the application. This module's test classpath is an
 * application's: the starter plus {@code spring-boot-starter-webmvc}. The default run
 * keeps it as it is, and Tomcat starts; the {@code jetty-swap} run makes the
 * one-exclusion swap of the documentation (Tomcat out, {@code spring-boot-starter-jetty}
 * in), and Jetty starts with the Jetty transport.
 */
@SpringBootTest(classes = StarterContainerTest.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class StarterContainerTest {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	LocalClients clients;

	@Test
	void theApplicationsContainerStartsAndCarriesTheClients() throws Exception {
		boolean jettySwapped = !ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", getClass().getClassLoader());
		String server = this.context.getWebServer().getClass().getSimpleName();
		assertThat(server).isEqualTo(jettySwapped ? "JettyServletWebServer" : "TomcatWebServer");

		CompletableFuture<String> reply = new CompletableFuture<>();
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/"), new WebSocket.Listener() {
				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					reply.complete(data.toString());
					return null;
				}
			})
			.get(5, TimeUnit.SECONDS);
		try {
			socket.sendText("{\"name\":\"shout\",\"message\":\"hi\",\"isAmbiorix\":true}", true);
			assertThat(reply.get(5, TimeUnit.SECONDS))
				.isEqualTo("{\"name\":\"shout\",\"message\":\"HI\",\"isAmbiorix\":true}");
			assertThat(this.clients.all()).singleElement()
				.satisfies((client) -> assertThat(client.transport().getClass().getSimpleName())
					.isEqualTo(jettySwapped ? "JettyTransport" : "TomcatTransport"));
		}
		finally {
			socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		Shout shout() {
			return new Shout();
		}

	}

	static class Shout {

		@Receive("shout")
		String shout(String text) {
			return text.toUpperCase();
		}

	}

}

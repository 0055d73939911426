package dev.ambiorix.spring.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint at {@code /}: who may connect, what a plain GET gets, and the connection
 * lifecycle.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class EndpointTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void plainGetOfTheRootReachesTheApplicationPage() throws Exception {
		HttpResponse<String> page = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("the application's own page");
	}

	@Test
	void clientScriptIsServedWhereAmbiorixDocumentsIt() throws Exception {
		HttpResponse<String> script = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/static/ambiorix.js")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).contains("javascript"));
		assertThat(script.body()).contains("Ambiorix.send");
	}

	@Test
	void esModuleIsServedBesideTheScript() throws Exception {
		HttpResponse<String> module = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/static/ambiorix.mjs")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(module.statusCode()).isEqualTo(200);
		assertThat(module.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).contains("javascript"));
		assertThat(module.body()).contains("export const Ambiorix").contains("function createAmbiorix");
	}

	@Test
	void typeScriptDeclarationsAreServedBesideTheScript() throws Exception {
		HttpResponse<String> declarations = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/static/ambiorix.d.ts")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(declarations.statusCode()).isEqualTo(200);
		assertThat(declarations.body()).contains("declare class Ambiorix").contains("static request<T = unknown>");
	}

	@Test
	void clientWithoutOriginHeaderIsAccepted() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("shout", "no origin");
			assertThat(client.next().message().stringValue()).isEqualTo("NO ORIGIN");
		}
	}

	@Test
	void sameOriginIsAccepted() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port, "/",
				Map.of("Origin", "http://127.0.0.1:" + this.port))) {
			client.send("shout", "same origin");
			assertThat(client.next().message().stringValue()).isEqualTo("SAME ORIGIN");
		}
	}

	@Test
	void foreignOriginGets403() {
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port, "/", Map.of("Origin", "https://evil.example")))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	@Test
	void upgradeOnAnotherPathIsNotAccepted() {
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port, "/elsewhere", Map.of()))
			.havingCause()
			.isInstanceOf(WebSocketHandshakeException.class);
	}

	@Test
	void messageFarLargerThanTomcatsBufferArrivesWhole() {
		// Many times the container's per-connection buffer, with multi-byte characters
		// that the parts may split anywhere.
		String text = "é€😀x".repeat(5_000);
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("shout", text);
			assertThat(client.next().message().stringValue()).isEqualTo(text.toUpperCase());
		}
	}

	@Test
	void closedClientLeavesTheRegistryAndEventsAreFired() {
		AmbiorixConnection client = AmbiorixConnection.connect(this.port);
		client.send("whoami", null);
		String id = client.next().message().get("id").stringValue();
		assertThat(this.clients.find(id)).isPresent();
		assertThat(this.events.connected).extracting(ClientConnectedEvent::client)
			.anySatisfy((connected) -> assertThat(connected.id()).isEqualTo(id));
		int before = this.clients.count();
		client.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.find(id).isEmpty());
		assertThat(this.clients.count()).isEqualTo(before - 1);
		ClientDisconnectedEvent disconnected = this.events.awaitDisconnected(id);
		assertThat(disconnected.status().getCode()).isEqualTo(1000);
		assertThat(disconnected.client().isOpen()).isFalse();
	}

	@Test
	void serverSideCloseReachesTheClient() throws Exception {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("whoami", null);
			String id = client.next().message().get("id").stringValue();
			this.clients.find(id).orElseThrow().send("bye", "see you");
			this.clients.find(id).orElseThrow().close();
			assertThat(client.next().name()).isEqualTo("bye");
			assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
		}
	}

}

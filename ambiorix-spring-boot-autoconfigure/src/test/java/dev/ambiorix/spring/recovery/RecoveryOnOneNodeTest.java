package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.cluster.ClusterTestApplication;
import dev.ambiorix.spring.event.ClientRecoveredEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery on a single node, from memory, with real clients speaking the hello exchange.
 */
class RecoveryOnOneNodeTest {

	static ConfigurableApplicationContext node;

	static ConfigurableApplicationContext shortWindowNode;

	static final java.util.List<ClientRecoveredEvent> recovered = new java.util.concurrent.CopyOnWriteArrayList<>();

	@BeforeAll
	static void start() {
		node = start("ambiorix.recovery.window=2m");
		node.addApplicationListener(ApplicationListener.forPayload((Object event) -> {
			if (event instanceof ClientRecoveredEvent recoveredEvent) {
				recovered.add(recoveredEvent);
			}
		}));
		shortWindowNode = start("ambiorix.recovery.window=2s", "ambiorix.recovery.max-replay=5");
	}

	static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(ClusterTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@AfterAll
	static void stop() {
		if (node != null) {
			node.close();
		}
		if (shortWindowNode != null) {
			shortWindowNode.close();
		}
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@Test
	void aClientAwayForFiveSecondsGetsEveryMissedEnvelopeOnceInOrderWithItsIdAndGroups() {
		int port = port(node);
		try (HelloClient client = HelloClient.connect(port, "alice");
				AmbiorixConnection sender = AmbiorixConnection.connect(port)) {
			String id = joinRoomAndReceiveTen(client, sender);
			client.drop();
			Traffic.send(sender, 10, 1010, "room", id, "alice", Duration.ofSeconds(5));
			JsonNode answer = client.reconnect(port);
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			assertThat(client.id()).isEqualTo(id);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(client.news()).as(() -> missing(client.news()))
					.hasSizeGreaterThanOrEqualTo(1010));
			assertThat(client.call("whoami", null).stringValue()).isEqualTo(id);
			assertThat(client.call("groups", null).get(0).stringValue()).isEqualTo("room");
			assertThat(client.news()).isEqualTo(Traffic.numbers(0, 1010));
			assertThat(recovered).anyMatch((event) -> event.client().id().equals(id));
		}
	}

	@Test
	void aClientBackBeforeItsOldConnectionClosedResumesFromItAndTheOldOneIsClosedWith4000() throws Exception {
		int port = port(node);
		try (HelloClient client = HelloClient.connect(port, "alice");
				AmbiorixConnection sender = AmbiorixConnection.connect(port)) {
			String id = joinRoomAndReceiveTen(client, sender);
			// Ten more reach the old connection, and the client never reads them there.
			Traffic.send(sender, 10, 20, "room", id, "alice", Duration.ZERO);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.unread() == 10);
			JsonNode answer = client.comeBackWhileOpen(port);
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			assertThat(client.id()).isEqualTo(id);
			assertThat(client.previous().closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(4000);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() >= 20);
			assertThat(client.news()).isEqualTo(Traffic.numbers(0, 20));
			assertThat(client.call("groups", null).get(0).stringValue()).isEqualTo("room");
		}
	}

	@Test
	void aClientBackBeforeItsOldConnectionClosedResumesEvenWhenTheStoredCopyOfItsSessionWasDropped() {
		int port = port(shortWindowNode);
		RecoveryStore store = shortWindowNode.getBean(RecoveryStore.class);
		try (HelloClient client = HelloClient.connect(port, null);
				AmbiorixConnection sender = AmbiorixConnection.connect(port)) {
			String id = client.id();
			// The store drops a session twice its window after it was written, when it
			// next writes another; a connected client's session is not written again.
			SessionRecord other = new SessionRecord("other", "other", null, Set.of(), null, Cursor.ZERO, Map.of(),
					Map.of(), 0, 1);
			await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
				store.save(other, Duration.ofMillis(1));
				return store.load(client.session()) == null;
			});
			Traffic.send(sender, 0, 3, "room", id, "alice", Duration.ZERO);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.unread() == 2);
			JsonNode answer = client.comeBackWhileOpen(port);
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			assertThat(client.id()).isEqualTo(id);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() >= 2);
			assertThat(client.news()).as("the broadcast and the send to its id").containsExactly(0, 2);
		}
	}

	/**
	 * Join "room", and receive the first ten news, 0 to 9.
	 * @return the client's id
	 */
	static String joinRoomAndReceiveTen(HelloClient client, AmbiorixConnection sender) {
		assertThat(client.call("join", "room").stringValue()).isEqualTo("room");
		String id = client.id();
		Traffic.send(sender, 0, 10, "room", id, "alice", Duration.ZERO);
		await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() == 10);
		return id;
	}

	static String missing(java.util.List<Integer> news) {
		java.util.List<Integer> missing = new java.util.ArrayList<>(Traffic.numbers(0, 1010));
		missing.removeAll(news);
		java.util.Set<Integer> seen = new java.util.HashSet<>();
		java.util.List<Integer> twice = news.stream().filter((n) -> !seen.add(n)).toList();
		return "missing " + missing + " twice " + twice;
	}

	@Test
	void aClientBeyondTheWindowIsToldItDidNotRecoverAndStartsFresh() {
		int port = port(shortWindowNode);
		try (HelloClient client = HelloClient.connect(port, null)) {
			String id = client.id();
			String session = client.session();
			client.drop();
			await().pollDelay(Duration.ofMillis(3000)).atMost(Duration.ofSeconds(5)).until(() -> true);
			JsonNode answer = client.reconnect(port);
			assertThat(answer.get("recovered").booleanValue()).isFalse();
			assertThat(answer.get("reason").stringValue()).isEqualTo("expired");
			assertThat(client.id()).isNotEqualTo(id);
			assertThat(client.session()).isNotEqualTo(session);
		}
	}

	@Test
	void aClientThatMissedMoreThanMaxReplayIsToldTheHistoryWasExceeded() {
		int port = port(shortWindowNode);
		try (HelloClient client = HelloClient.connect(port, null);
				AmbiorixConnection sender = AmbiorixConnection.connect(port)) {
			String id = client.id();
			client.drop();
			for (int n = 0; n < 6; n++) {
				sender.send("toAll", Map.of("n", n));
			}
			// The sender gets its own broadcasts: all six went out.
			for (int n = 0; n < 6; n++) {
				sender.next();
			}
			JsonNode answer = client.reconnect(port);
			assertThat(answer.get("recovered").booleanValue()).isFalse();
			assertThat(answer.get("reason").stringValue()).isEqualTo("history_exceeded");
			assertThat(client.id()).isNotEqualTo(id);
		}
	}

	@Test
	void anUnknownSessionIsRefusedAndTheClientStartsFresh() {
		int port = port(node);
		try (TestClient socket = TestClient.connect(port)) {
			socket.send("ambiorix:hello", Map.of("recovery", true, "session", "nope", "offset", "x:1"));
			JsonNode answer = socket.next();
			assertThat(answer.get("name").stringValue()).isEqualTo("ambiorix:recovered");
			assertThat(answer.get("message").get("reason").stringValue()).isEqualTo("unknown_session");
			assertThat(socket.next().get("name").stringValue()).isEqualTo("ambiorix:welcome");
		}
	}

	@Test
	void aClientOfAnotherUserCannotRecoverTheSession() {
		int port = port(node);
		try (HelloClient client = HelloClient.connect(port, "alice")) {
			client.drop();
			try (TestClient socket = TestClient.connect(port, "/?user=mallory", Map.of())) {
				socket.send("ambiorix:hello", Map.of("recovery", true, "session", client.session()));
				JsonNode answer = socket.next();
				assertThat(answer.get("message").get("recovered").booleanValue()).isFalse();
				assertThat(answer.get("message").get("reason").stringValue()).isEqualTo("user_changed");
			}
		}
	}

	@Test
	void aClientThatDidNotOptInReceivesProtocolVersionOneByteForByte() {
		int port = port(node);
		try (TestClient plain = TestClient.connect(port); HelloClient opted = HelloClient.connect(port, null)) {
			plain.request("whoami", null, 7);
			String reply = plain.nextText();
			assertThat(reply)
				.matches("\\{\"name\":\"whoami\",\"message\":\"[0-9a-f-]{36}\",\"isAmbiorix\":true,\"id\":7}");
			plain.send("toAll", Map.of("n", 1));
			assertThat(plain.nextText()).isEqualTo("{\"name\":\"news\",\"message\":{\"n\":1},\"isAmbiorix\":true}");
			plain.send("toClient", Map.of("to", opted.id(), "message", Map.of("n", 2)));
			plain.request("whoami", null, 8);
			assertThat(plain.nextText()).startsWith("{\"name\":\"whoami\"").endsWith(",\"isAmbiorix\":true,\"id\":8}");
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				opted.pump();
				assertThat(opted.received).hasSize(2);
			});
			assertThat(opted.received.get(0).toString())
				.startsWith("{\"name\":\"news\",\"message\":{\"n\":1},\"isAmbiorix\":true,\"offset\":\"");
			assertThat(plain.pending()).isZero();
		}
	}

}

package dev.ambiorix.spring.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.web.socket.CloseStatus;

import static dev.ambiorix.spring.cluster.Peers.call;
import static dev.ambiorix.spring.cluster.Peers.connect;
import static dev.ambiorix.spring.cluster.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three application nodes over one real {@code redis-server}, with real WebSocket clients
 * on each.
 */
@Tag("redis")
class RedisClusterTest {

	static RedisServer redis;

	static RedisNodes nodes;

	static ConfigurableApplicationContext nodeA;

	static ConfigurableApplicationContext nodeB;

	static ConfigurableApplicationContext nodeC;

	final List<AmbiorixConnection> connected = new ArrayList<>();

	@BeforeAll
	static void startRedisAndTwoNodes() {
		redis = RedisServer.start();
		nodes = new RedisNodes(redis);
		nodeA = nodes.start();
		nodeB = nodes.start();
		nodeC = nodes.start();
	}

	@AfterAll
	static void stopAll() {
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@AfterEach
	void closeClients() {
		this.connected.forEach(AmbiorixConnection::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA).count() == 0 && clients(nodeB).count() == 0);
	}

	static WebSocketClients clients(ConfigurableApplicationContext node) {
		return node.getBean(WebSocketClients.class);
	}

	AmbiorixConnection client(ConfigurableApplicationContext node, String user) {
		AmbiorixConnection client = connect(RedisNodes.port(node), user);
		this.connected.add(client);
		return client;
	}

	/**
	 * Collect a client's messages until the given number of "end" messages arrived.
	 */
	static List<String> messagesUntilEnds(AmbiorixConnection client, int ends) {
		List<String> messages = new ArrayList<>();
		int seen = 0;
		while (seen < ends) {
			String message = client.next().message().asString();
			if (message.startsWith("end")) {
				seen++;
			}
			else {
				messages.add(message);
			}
		}
		return messages;
	}

	@Test
	void closingAGroupOnOneNodeClosesItsMembersOnEveryNodeWithTheStatusAndSparesOthers() {
		AmbiorixConnection memberOnA = client(nodeA, null);
		AmbiorixConnection memberOnB = client(nodeB, null);
		AmbiorixConnection memberOnC = client(nodeC, null);
		AmbiorixConnection outsiderOnB = client(nodeB, null);
		call(memberOnA, "join", "doomed");
		call(memberOnB, "join", "doomed");
		call(memberOnC, "join", "doomed");
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA).group("doomed").count() == 3);

		clients(nodeA).group("doomed").close(CloseStatus.POLICY_VIOLATION.withReason("room closed"));

		for (AmbiorixConnection member : List.of(memberOnA, memberOnB, memberOnC)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> member.closeCode().isDone());
			assertThat(member.closeCode().join()).isEqualTo(1008);
			assertThat(member.closeReason()).isEqualTo("room closed");
		}
		assertThat(call(outsiderOnB, "groups", null).size()).isZero();
		assertThat(outsiderOnB.isOpen()).isTrue();
	}

	@Test
	void everyKindOfSendReachesTheRightClientsOnThreeNodesExactlyOnce() {
		AmbiorixConnection a1 = client(nodeA, null);
		AmbiorixConnection a2 = client(nodeA, "alice");
		AmbiorixConnection b1 = client(nodeB, null);
		AmbiorixConnection b2 = client(nodeB, "alice");
		AmbiorixConnection c1 = client(nodeC, null);
		AmbiorixConnection c2 = client(nodeC, "alice");
		call(a1, "join", "room");
		call(b1, "join", "room");
		call(c1, "join", "room");
		String b1Id = call(b1, "whoami", null).asString();
		String a1Id = call(a1, "whoami", null).asString();
		String c1Id = call(c1, "whoami", null).asString();

		a1.send("toAll", "all from a");
		send(b2, "toGroup", "room", "room from b");
		send(a1, "toGroupExcept", "room", "room except a1");
		send(c1, "toUser", "alice", "to alice");
		send(a2, "toClient", b1Id, "a2 to b1");
		send(b2, "toClient", a1Id, "b2 to a1");
		send(b1, "toClient", c1Id, "b1 to c1");
		// An end marker from each sending connection, after everything it sent: each
		// connection's messages are handled in order, while two connections of one node
		// are handled side by side.
		for (AmbiorixConnection sender : List.of(a1, a2, b1, b2, c1)) {
			sender.send("toAll", "end");
		}

		assertThat(messagesUntilEnds(a1, 5)).containsExactlyInAnyOrder("all from a", "room from b", "b2 to a1");
		assertThat(messagesUntilEnds(a2, 5)).containsExactlyInAnyOrder("all from a", "to alice");
		assertThat(messagesUntilEnds(b1, 5)).containsExactlyInAnyOrder("all from a", "room from b", "room except a1",
				"a2 to b1");
		assertThat(messagesUntilEnds(b2, 5)).containsExactlyInAnyOrder("all from a", "to alice");
		assertThat(messagesUntilEnds(c1, 5)).containsExactlyInAnyOrder("all from a", "room from b", "room except a1",
				"b1 to c1");
		assertThat(messagesUntilEnds(c2, 5)).containsExactlyInAnyOrder("all from a", "to alice");
		for (AmbiorixConnection client : List.of(a1, a2, b1, b2, c1, c2)) {
			assertThat(client.drain(Duration.ofMillis(300))).as("nothing after the end markers").isEmpty();
		}
		assertThat(clients(nodeB).group("room").count()).isEqualTo(3);
		assertThat(clients(nodeC).user("alice").count()).isEqualTo(3);
	}

	@Test
	void anApplicationWithAnotherPrefixSharesTheRedisButNothingElse() {
		ConfigurableApplicationContext other = nodes.start("ambiorix.cluster.prefix=other");
		try {
			AmbiorixConnection a1 = client(nodeA, null);
			AmbiorixConnection stranger = client(other, null);
			call(a1, "join", "room");
			call(stranger, "join", "room");
			a1.send("toAll", "for this application");
			assertThat(a1.next().message().asString()).isEqualTo("for this application");
			stranger.send("toAll", "for the other");
			assertThat(stranger.next().message().asString()).isEqualTo("for the other");
			assertThat(stranger.drain(Duration.ofMillis(500))).isEmpty();
			assertThat(a1.drain(Duration.ofMillis(100))).isEmpty();
			assertThat(clients(other).group("room").count()).isEqualTo(1);
			assertThat(clients(nodeA).group("room").count()).isEqualTo(1);
		}
		finally {
			this.connected.forEach(AmbiorixConnection::close);
			this.connected.clear();
			other.close();
		}
	}

	@Test
	void countsAndMembersCoverBothNodesWithThePresenceEachPublished() {
		AmbiorixConnection a1 = client(nodeA, "alice");
		AmbiorixConnection b1 = client(nodeB, "bob");
		String a1Id = call(a1, "whoami", null).asString();
		call(a1, "presence", java.util.Map.of("nick", "Ally"));
		call(a1, "join", "room");
		call(b1, "presence", java.util.Map.of("nick", "Bobby"));
		call(b1, "join", "room");
		for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> clients(node).group("room").count() == 2);
			List<Member> members = clients(node).group("room").members();
			assertThat(members).extracting((m) -> m.presence().get("nick").asString())
				.containsExactlyInAnyOrder("Ally", "Bobby");
			assertThat(members).filteredOn((m) -> m.clientId().equals(a1Id))
				.singleElement()
				.satisfies((m) -> assertThat(m.user()).isEqualTo("alice"));
			assertThat(clients(node).user("bob").count()).isEqualTo(1);
		}
		call(b1, "leave", "room");
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeA).group("room").count() == 1);
	}

	@Test
	void envelopesFromOneNodeReachEveryClientInOrderOnceOverTenThousand() {
		List<AmbiorixConnection> receivers = List.of(client(nodeA, null), client(nodeB, null), client(nodeB, null));
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 2);
		int total = 10_000;
		WebSocketClients sender = clients(nodeA);
		for (int i = 0; i < total; i++) {
			sender.broadcast("n", i);
		}
		assertEveryReceiverGotInOrder(receivers, total);
	}

	@Test
	void anEnvelopeToAllIsAnEntryWithItsOriginFirstAndNoEmptyTargetOrExceptedClient() {
		AmbiorixConnection receiver = client(nodeB, null);
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 1);
		RedisRelay relay = nodeA.getBean(RedisRelay.class);
		clients(nodeA).broadcast("four", "fields");
		assertThat(receiver.next().message().asString()).isEqualTo("fields");
		try (RedisConnection connection = nodeA.getBean(RedisConnectionFactory.class).getConnection()) {
			List<ByteRecord> last = connection.streamCommands()
				.xRevRange(relay.streamKey(0).getBytes(StandardCharsets.UTF_8), Range.unbounded(),
						Limit.limit().count(1));
			assertThat(last).hasSize(1);
			Map<String, String> fields = new LinkedHashMap<>();
			last.get(0)
				.getValue()
				.forEach((key, value) -> fields.put(new String(key, StandardCharsets.UTF_8),
						new String(value, StandardCharsets.UTF_8)));
			// The recovery's number (r) too: the test application has recovery on.
			assertThat(fields.keySet()).containsExactly("o", "s", "k", "f", "r");
			assertThat(fields).containsEntry("o", relay.nodeId()).containsEntry("k", "a");
		}
	}

	@Test
	void aBurstAfterRedisForgotTheBatchScriptReachesEveryClientInOrderOnce() {
		List<AmbiorixConnection> receivers = List.of(client(nodeB, null), client(nodeC, null));
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 1 && clients(nodeC).count() == 1);
		long evalsBefore = evalCalls();
		redis.command("SCRIPT", "FLUSH");
		int total = 5_000;
		WebSocketClients sender = clients(nodeA);
		for (int i = 0; i < total; i++) {
			sender.broadcast("n", i);
		}
		assertEveryReceiverGotInOrder(receivers, total);
		assertThat(evalCalls()).as("EVAL after NOSCRIPT").isGreaterThan(evalsBefore);
	}

	@Test
	void presenceWritesAndReadsOverConnectionsItKeepsOpen() {
		// Three nodes write their presence every heartbeat (1 s here) and read the
		// others' every 500 ms, in pipelines: none of it opens a connection any more.
		long before = connectionsReceived();
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(10))
			.until(() -> connectionsReceived() - before <= 1);
	}

	private static long connectionsReceived() {
		try (RedisConnection connection = nodeA.getBean(RedisConnectionFactory.class).getConnection()) {
			Properties stats = connection.serverCommands().info("stats");
			return Long.parseLong(stats.getProperty("total_connections_received"));
		}
	}

	/** How many times Redis ran EVAL (the script sent along, after a NOSCRIPT). */
	private static long evalCalls() {
		try (RedisConnection connection = nodeA.getBean(RedisConnectionFactory.class).getConnection()) {
			Properties stats = connection.serverCommands().info("commandstats");
			String eval = (stats != null) ? stats.getProperty("cmdstat_eval") : null;
			return (eval != null) ? Long.parseLong(eval.substring("calls=".length(), eval.indexOf(','))) : 0;
		}
	}

	@Test
	void killingTheNodesRedisConnectionsMidStreamLosesAndDuplicatesNothing() throws Exception {
		List<AmbiorixConnection> receivers = List.of(client(nodeA, null), client(nodeB, null), client(nodeB, null));
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 2);
		int total = 10_000;
		WebSocketClients sender = clients(nodeA);
		CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < total; i++) {
				sender.broadcast("n", i);
				if (i % 1000 == 999) {
					sleepQuietly(50);
				}
			}
		});
		int kills = 0;
		long killed = 0;
		while (!sending.isDone() || kills < 3) {
			killed += Long.parseLong(redis.command("CLIENT", "KILL", "TYPE", "normal"));
			kills++;
			sleepQuietly(100);
		}
		sending.get();
		assertThat(killed).as("connections killed").isPositive();
		assertEveryReceiverGotInOrder(receivers, total);
		await().atMost(Duration.ofSeconds(10)).until(() -> nodeA.getBean(RedisRelay.class).waiting() == 0);
		assertThat(nodeA.getBean(RedisRelay.class).failed()).isZero();
	}

	private static void assertEveryReceiverGotInOrder(List<AmbiorixConnection> receivers, int total) {
		for (AmbiorixConnection receiver : receivers) {
			for (int i = 0; i < total; i++) {
				JsonNode message = receiver.next().message();
				assertThat(message.asInt()).as("envelope %d", i).isEqualTo(i);
			}
			assertThat(receiver.drain(Duration.ofMillis(300))).as("no duplicates").isEmpty();
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

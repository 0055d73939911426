package dev.ambiorix.spring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.cluster.Peers.call;
import static dev.ambiorix.spring.cluster.Peers.connect;
import static dev.ambiorix.spring.cluster.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What two nodes whose relay spreads over several streams must do, whatever Redis they
 * share: every kind of send once, each node's envelopes in order, a dropped connection
 * losing nothing. Subclasses start the Redis and the nodes.
 */
abstract class SeveralStreamsContract {

	static final int STREAMS = 3;

	final List<AmbiorixConnection> connected = new ArrayList<>();

	abstract ConfigurableApplicationContext nodeA();

	abstract ConfigurableApplicationContext nodeB();

	/**
	 * Kill every normal client connection of the Redis servers.
	 * @return how many were killed
	 */
	abstract long killConnections();

	@AfterEach
	void closeClients() {
		this.connected.forEach(AmbiorixConnection::close);
		this.connected.clear();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> clients(nodeA()).count() == 0 && clients(nodeB()).count() == 0);
	}

	static WebSocketClients clients(ConfigurableApplicationContext node) {
		return node.getBean(WebSocketClients.class);
	}

	AmbiorixConnection client(ConfigurableApplicationContext node, String user) {
		AmbiorixConnection client = connect(RedisNodes.port(node), user);
		this.connected.add(client);
		return client;
	}

	@Test
	void theTwoNodesAppendToTwoStreamsAndReadEveryStream() {
		AmbiorixConnection a = client(nodeA(), null);
		AmbiorixConnection b = client(nodeB(), null);
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeB()).count() == 1);
		clients(nodeA()).broadcast("n", "from a");
		clients(nodeB()).broadcast("n", "from b");
		assertThat(List.of(a.next(), a.next())).extracting((frame) -> frame.message().asString())
			.containsExactlyInAnyOrder("from a", "from b");
		assertThat(List.of(b.next(), b.next())).extracting((frame) -> frame.message().asString())
			.containsExactlyInAnyOrder("from a", "from b");
		RedisRelay relayA = nodeA().getBean(RedisRelay.class);
		RedisRelay relayB = nodeB().getBean(RedisRelay.class);
		assertThat(relayA.streams()).isEqualTo(STREAMS);
		assertThat(relayA.ownStream()).isBetween(0, STREAMS - 1);
		assertThat(relayB.ownStream()).isBetween(0, STREAMS - 1).isNotEqualTo(relayA.ownStream());
		for (int stream = 0; stream < STREAMS; stream++) {
			int index = stream;
			await().atMost(Duration.ofSeconds(10))
				.until(() -> relayA.cursor(index) != null && relayB.cursor(index) != null);
		}
	}

	@Test
	void everyKindOfSendReachesTheRightClientsOnBothNodesExactlyOnce() {
		AmbiorixConnection a1 = client(nodeA(), null);
		AmbiorixConnection a2 = client(nodeA(), "alice");
		AmbiorixConnection b1 = client(nodeB(), null);
		AmbiorixConnection b2 = client(nodeB(), "alice");
		call(a1, "join", "room");
		call(b1, "join", "room");
		String b1Id = call(b1, "whoami", null).asString();
		String a1Id = call(a1, "whoami", null).asString();
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA()).group("room").count() == 2);

		a1.send("toAll", "all from a");
		send(b2, "toGroup", "room", "room from b");
		send(a1, "toGroupExcept", "room", "room except a1");
		send(b1, "toUser", "alice", "to alice");
		send(a2, "toClient", b1Id, "a2 to b1");
		send(b2, "toClient", a1Id, "b2 to a1");
		// An end marker from each sending connection, after everything it sent.
		for (AmbiorixConnection sender : List.of(a1, a2, b1, b2)) {
			sender.send("toAll", "end");
		}

		assertThat(RedisClusterTest.messagesUntilEnds(a1, 4)).containsExactlyInAnyOrder("all from a", "room from b",
				"b2 to a1");
		assertThat(RedisClusterTest.messagesUntilEnds(a2, 4)).containsExactlyInAnyOrder("all from a", "to alice");
		assertThat(RedisClusterTest.messagesUntilEnds(b1, 4)).containsExactlyInAnyOrder("all from a", "room from b",
				"room except a1", "a2 to b1");
		assertThat(RedisClusterTest.messagesUntilEnds(b2, 4)).containsExactlyInAnyOrder("all from a", "to alice");
		for (AmbiorixConnection client : List.of(a1, a2, b1, b2)) {
			assertThat(client.drain(Duration.ofMillis(300))).as("nothing after the end markers").isEmpty();
		}
	}

	@Test
	void countsAndMembersCoverBothNodes() {
		AmbiorixConnection a1 = client(nodeA(), "alice");
		AmbiorixConnection b1 = client(nodeB(), "bob");
		call(a1, "presence", Map.of("nick", "Ally"));
		call(a1, "join", "room");
		call(b1, "presence", Map.of("nick", "Bobby"));
		call(b1, "join", "room");
		for (ConfigurableApplicationContext node : List.of(nodeA(), nodeB())) {
			await().atMost(Duration.ofSeconds(10)).until(() -> clients(node).group("room").count() == 2);
			List<Member> members = clients(node).group("room").members();
			assertThat(members).extracting((m) -> m.presence().get("nick").asString())
				.containsExactlyInAnyOrder("Ally", "Bobby");
			assertThat(clients(node).user("bob").count()).isEqualTo(1);
		}
		call(b1, "leave", "room");
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA()).group("room").count() == 1);
	}

	@Test
	void envelopesOfBothNodesReachEveryClientOnceInEachNodesOrder() throws Exception {
		List<AmbiorixConnection> receivers = List.of(client(nodeA(), null), client(nodeB(), null));
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeB()).count() == 1);
		int total = 3_000;
		CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> broadcast(nodeA(), "a", total));
		CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> broadcast(nodeB(), "b", total));
		fromA.get();
		fromB.get();
		assertEachNodesOrder(receivers, total);
	}

	@Test
	void killingTheRedisConnectionsMidStreamLosesAndDuplicatesNothing() throws Exception {
		List<AmbiorixConnection> receivers = List.of(client(nodeA(), null), client(nodeB(), null));
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeB()).count() == 1);
		int total = 3_000;
		CompletableFuture<Void> sending = CompletableFuture.allOf(
				CompletableFuture.runAsync(() -> broadcast(nodeA(), "a", total)),
				CompletableFuture.runAsync(() -> broadcast(nodeB(), "b", total)));
		int kills = 0;
		long killed = 0;
		while (!sending.isDone() || kills < 3) {
			killed += killConnections();
			kills++;
			sleepQuietly(100);
		}
		sending.get();
		assertThat(killed).as("connections killed").isPositive();
		assertEachNodesOrder(receivers, total);
		for (ConfigurableApplicationContext node : List.of(nodeA(), nodeB())) {
			RedisRelay relay = node.getBean(RedisRelay.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> relay.waiting() == 0);
			assertThat(relay.failed()).isZero();
		}
	}

	/**
	 * Broadcast {@code <tag>:<i>} for i from 0, pausing a moment every 500 so that the
	 * connections are killed while envelopes flow.
	 */
	private static void broadcast(ConfigurableApplicationContext node, String tag, int total) {
		WebSocketClients sender = clients(node);
		for (int i = 0; i < total; i++) {
			sender.broadcast("n", tag + ":" + i);
			if (i % 500 == 499) {
				sleepQuietly(20);
			}
		}
	}

	private static void assertEachNodesOrder(List<AmbiorixConnection> receivers, int total) {
		for (AmbiorixConnection receiver : receivers) {
			Map<String, Integer> next = new HashMap<>(Map.of("a", 0, "b", 0));
			for (int i = 0; i < 2 * total; i++) {
				String[] message = receiver.next().message().asString().split(":");
				assertThat(Integer.parseInt(message[1])).as("envelope from %s", message[0])
					.isEqualTo(next.get(message[0]));
				next.merge(message[0], 1, Integer::sum);
			}
			assertThat(next).containsEntry("a", total).containsEntry("b", total);
			assertThat(receiver.drain(Duration.ofMillis(300))).as("no duplicates").isEmpty();
		}
	}

	static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.ambiorix.spring.cluster.ClusterTestApplication;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.RedisClusterServers;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recovery across two nodes over a real Redis Cluster of three masters, the relay spread
 * over three streams: the history a returning client is replayed from is in two streams,
 * one per sending node, possibly on two shards.
 */
@Tag("redis")
class RecoveryOnRedisClusterTest {

	private static final int B = 100_000;

	static RedisClusterServers redis;

	static ConfigurableApplicationContext node1;

	static ConfigurableApplicationContext node2;

	@BeforeAll
	static void startRedisClusterAndTwoNodes() {
		redis = RedisClusterServers.start(3);
		node1 = start();
		node2 = start();
	}

	@AfterAll
	static void stopAll() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { node1, node2 }) {
			if (node != null) {
				node.close();
			}
		}
		if (redis != null) {
			redis.close();
		}
	}

	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(ClusterTestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "ambiorix.cluster.mode=redis",
					"spring.data.redis.cluster.nodes=" + redis.nodes(), "spring.data.redis.timeout=2s",
					"ambiorix.cluster.streams=3", "ambiorix.cluster.heartbeat-interval=1s",
					"ambiorix.cluster.node-timeout=3s", "spring.main.banner-mode=off")
			.run();
	}

	@Test
	void anOlderGenerationOfASessionFromOneNodeNeverOverwritesANewerOneFromTheOther() {
		Generations.olderNeverOverwritesNewer(node1.getBean(RecoveryStore.class), node2.getBean(RecoveryStore.class));
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@Test
	void aClientThatComesBackToTheOtherNodeGetsWhatBothNodesSentItOnceInEachNodesOrder() throws Exception {
		try (HelloClient client = HelloClient.connect(port(node1), "alice");
				AmbiorixConnection fromNode1 = AmbiorixConnection.connect(port(node1));
				AmbiorixConnection fromNode2 = AmbiorixConnection.connect(port(node2))) {
			assertThat(client.call("join", "room").stringValue()).isEqualTo("room");
			String id = client.id();
			Traffic.send(fromNode1, 0, 10, "room", id, "alice", Duration.ZERO);
			Traffic.send(fromNode2, B, B + 10, "room", id, "alice", Duration.ZERO);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() == 20);
			assertThat(node1.getBean(RedisRelay.class).ownStream())
				.isNotEqualTo(node2.getBean(RedisRelay.class).ownStream());
			client.drop();
			CompletableFuture<Void> sending = CompletableFuture.allOf(
					CompletableFuture
						.runAsync(() -> Traffic.send(fromNode1, 10, 510, "room", id, "alice", Duration.ofSeconds(3))),
					CompletableFuture.runAsync(() -> Traffic.send(fromNode2, B + 10, B + 510, "room", id, "alice",
							Duration.ofSeconds(3))));
			sending.get();
			JsonNode answer = client.reconnect(port(node2));
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			assertThat(client.id()).isEqualTo(id);
			await().atMost(Duration.ofSeconds(30)).until(() -> client.news().size() >= 1020);
			assertThat(client.call("groups", null).get(0).stringValue()).isEqualTo("room");
			List<Integer> news = client.news();
			assertThat(news).filteredOn((n) -> n < B).isEqualTo(Traffic.numbers(0, 510));
			assertThat(news).filteredOn((n) -> n >= B).isEqualTo(Traffic.numbers(B, B + 510));
		}
	}

}

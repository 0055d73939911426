package dev.ambiorix.spring.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.RedisClusterServers;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes over a real Redis Cluster of three masters, started by the test, through
 * Spring Boot's own {@code spring.data.redis.cluster.nodes}; the relay spread over three
 * streams.
 */
@Tag("redis")
class RedisClusterShardsTest extends SeveralStreamsContract {

	static RedisClusterServers redis;

	static RedisNodes nodes;

	static ConfigurableApplicationContext nodeA;

	static ConfigurableApplicationContext nodeB;

	@BeforeAll
	static void startRedisClusterAndTwoNodes() {
		redis = RedisClusterServers.start(3);
		nodes = new RedisNodes(List.of("spring.data.redis.cluster.nodes=" + redis.nodes()));
		nodeA = nodes.start("ambiorix.cluster.streams=" + STREAMS);
		nodeB = nodes.start("ambiorix.cluster.streams=" + STREAMS);
	}

	@AfterAll
	static void stopAll() {
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void theThreeStreamsLandOnTheThreeShards() {
		RedisRelay relay = nodeA.getBean(RedisRelay.class);
		Set<Integer> shards = new HashSet<>();
		for (int stream = 0; stream < STREAMS; stream++) {
			shards.add(redis.serverOf(relay.streamKey(stream)).port());
		}
		assertThat(shards).hasSize(3);
		assertThat(relay.streamKey(0)).isEqualTo("{ambiorix}:relay");
	}

	@Override
	ConfigurableApplicationContext nodeA() {
		return nodeA;
	}

	@Override
	ConfigurableApplicationContext nodeB() {
		return nodeB;
	}

	@Override
	long killConnections() {
		long killed = 0;
		for (RedisServer server : redis.servers()) {
			killed += Long.parseLong(server.command("CLIENT", "KILL", "TYPE", "normal"));
		}
		return killed;
	}

}

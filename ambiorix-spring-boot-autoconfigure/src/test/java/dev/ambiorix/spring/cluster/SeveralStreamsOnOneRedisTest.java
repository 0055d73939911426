package dev.ambiorix.spring.cluster;

import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes over one real {@code redis-server}, the relay spread over three streams.
 */
@Tag("redis")
class SeveralStreamsOnOneRedisTest extends SeveralStreamsContract {

	static RedisServer redis;

	static RedisNodes nodes;

	static ConfigurableApplicationContext nodeA;

	static ConfigurableApplicationContext nodeB;

	@BeforeAll
	static void startRedisAndTwoNodes() {
		redis = RedisServer.start();
		nodes = new RedisNodes(redis);
		nodeA = nodes.start("ambiorix.cluster.streams=" + STREAMS);
		nodeB = nodes.start("ambiorix.cluster.streams=" + STREAMS);
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
		return Long.parseLong(redis.command("CLIENT", "KILL", "TYPE", "normal"));
	}

}

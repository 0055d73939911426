package dev.ambiorix.spring.cluster;

import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.support.RedisServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Application nodes in this JVM, each a {@link ClusterTestApplication} on its own random
 * port, sharing one Redis.
 */
final class RedisNodes implements AutoCloseable {

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final List<String> redisProperties;

	RedisNodes(RedisServer redis) {
		this(List.of("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port()));
	}

	/**
	 * Nodes that reach Redis through the given properties, such as
	 * {@code spring.data.redis.cluster.nodes}.
	 */
	RedisNodes(List<String> redisProperties) {
		this.redisProperties = redisProperties;
	}

	ConfigurableApplicationContext start(String... extraProperties) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"ambiorix.cluster.mode=redis", "spring.data.redis.timeout=2s", "ambiorix.cluster.heartbeat-interval=1s",
				"ambiorix.cluster.node-timeout=3s", "spring.main.banner-mode=off"));
		properties.addAll(this.redisProperties);
		properties.addAll(List.of(extraProperties));
		ConfigurableApplicationContext node = new SpringApplicationBuilder(ClusterTestApplication.class)
			.properties(properties.toArray(new String[0]))
			.run();
		this.nodes.add(node);
		return node;
	}

	static int port(ConfigurableApplicationContext node) {
		return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
	}

	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
		this.nodes.clear();
	}

}

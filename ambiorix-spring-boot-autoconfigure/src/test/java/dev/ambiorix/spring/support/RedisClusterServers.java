package dev.ambiorix.spring.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster for tests: {@code redis-server} processes with cluster mode on,
 * each on a free port and a master of its share of the slots (no replicas), joined by
 * {@code redis-cli --cluster create}. Stopping it stops every process.
 */
public final class RedisClusterServers implements AutoCloseable {

	private final List<RedisServer> servers;

	private RedisClusterServers(List<RedisServer> servers) {
		this.servers = servers;
	}

	/**
	 * Start a cluster of the given number of masters and wait until every one of them
	 * says {@code cluster_state:ok}.
	 * @param masters how many, at least 3 (what {@code redis-cli --cluster create} needs)
	 * @return the running cluster
	 */
	public static RedisClusterServers start(int masters) {
		List<RedisServer> servers = new ArrayList<>();
		RedisClusterServers cluster = new RedisClusterServers(servers);
		try {
			Path dir = Files.createTempDirectory("redis-cluster");
			for (int i = 0; i < masters; i++) {
				servers.add(RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file",
						dir.resolve("nodes-{port}.conf").toString(), "--dir", dir.toString(), "--cluster-node-timeout",
						"5000")));
			}
			List<String> command = new ArrayList<>(
					List.of(RedisServer.findExecutable("redis-cli"), "--cluster", "create"));
			servers.forEach((server) -> command.add("127.0.0.1:" + server.port()));
			command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			Path log = Files.createTempFile("redis-cluster-create", ".log");
			Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
				create.destroyForcibly();
				throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
			}
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> servers.stream()
					.allMatch((server) -> server.command("CLUSTER", "INFO").equals("cluster_state:ok")));
			return cluster;
		}
		catch (IOException ex) {
			cluster.close();
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			cluster.close();
			throw new IllegalStateException(ex);
		}
		catch (RuntimeException ex) {
			cluster.close();
			throw ex;
		}
	}

	/**
	 * Return the masters.
	 * @return every server of the cluster
	 */
	public List<RedisServer> servers() {
		return this.servers;
	}

	/**
	 * Return the value of {@code spring.data.redis.cluster.nodes} for this cluster.
	 * @return every node as {@code 127.0.0.1:<port>}, separated by commas
	 */
	public String nodes() {
		return this.servers.stream().map((server) -> "127.0.0.1:" + server.port()).collect(Collectors.joining(","));
	}

	/**
	 * Return the server that holds a key: the others answer a read of it with a redirect.
	 * @param key the key
	 * @return the server
	 */
	public RedisServer serverOf(String key) {
		for (RedisServer server : this.servers) {
			try {
				server.command("EXISTS", key);
				return server;
			}
			catch (IllegalStateException ex) {
				// MOVED: another server holds it.
			}
		}
		throw new IllegalStateException("No server holds " + key);
	}

	@Override
	public void close() {
		this.servers.forEach(RedisServer::stop);
	}

}

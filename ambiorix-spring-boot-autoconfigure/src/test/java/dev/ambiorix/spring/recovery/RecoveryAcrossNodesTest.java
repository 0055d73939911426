package dev.ambiorix.spring.recovery;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.cluster.ClusterTestApplication;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
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
 * Recovery across nodes that share a real {@code redis-server}: a client comes back to
 * another node, and to a survivor after its own node was killed with SIGKILL.
 */
@Tag("redis")
class RecoveryAcrossNodesTest {

	static RedisServer redis;

	static ConfigurableApplicationContext node1;

	static ConfigurableApplicationContext node2;

	@BeforeAll
	static void startRedisAndTwoNodes() {
		redis = RedisServer.start();
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
			redis.stop();
		}
	}

	static List<String> properties(int serverPort) {
		return List.of("server.port=" + serverPort, "server.address=127.0.0.1", "ambiorix.cluster.mode=redis",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
				"spring.data.redis.timeout=2s", "ambiorix.cluster.heartbeat-interval=1s",
				"ambiorix.cluster.node-timeout=3s", "spring.main.banner-mode=off");
	}

	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(ClusterTestApplication.class)
			.properties(properties(0).toArray(new String[0]))
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
	void aClientThatComesBackToTheOtherNodeGetsEveryMissedEnvelopeOnceInOrder() {
		try (HelloClient client = HelloClient.connect(port(node1), "alice");
				AmbiorixConnection sender = AmbiorixConnection.connect(port(node1))) {
			assertThat(client.call("join", "room").stringValue()).isEqualTo("room");
			String id = client.id();
			Traffic.send(sender, 0, 10, "room", id, "alice", Duration.ZERO);
			await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() == 10);
			client.drop();
			Traffic.send(sender, 10, 1010, "room", id, "alice", Duration.ofSeconds(5));
			JsonNode answer = client.reconnect(port(node2));
			assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
			assertThat(client.id()).isEqualTo(id);
			await().atMost(Duration.ofSeconds(30)).until(() -> client.news().size() >= 1010);
			assertThat(client.call("groups", null).get(0).stringValue()).isEqualTo("room");
			assertThat(client.news()).isEqualTo(Traffic.numbers(0, 1010));
		}
	}

	@Test
	void aClientWhoseNodeWasKilledRecoversOnASurvivor() throws Exception {
		int port = freePort();
		File log = File.createTempFile("ambiorix-node", ".log");
		List<String> command = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
				"-Xmx256m", "-cp", System.getProperty("java.class.path"), ClusterTestApplication.class.getName()));
		properties(port).forEach((property) -> command.add("--" + property));
		Process doomed = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
		try {
			await().atMost(Duration.ofSeconds(90)).until(() -> answers(port));
			try (HelloClient client = HelloClient.connect(port, "alice");
					AmbiorixConnection sender = AmbiorixConnection.connect(port(node2))) {
				assertThat(client.call("join", "room").stringValue()).isEqualTo("room");
				String id = client.id();
				Traffic.send(sender, 0, 10, "room", id, "alice", Duration.ZERO);
				await().atMost(Duration.ofSeconds(10)).until(() -> client.news().size() == 10);
				// The record a survivor reads is refreshed every heartbeat.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> redis.command("GET", "{ambiorix}:recovery:" + client.session()).contains("room"));
				doomed.destroyForcibly().waitFor();
				client.drop();
				Traffic.send(sender, 10, 1010, "room", id, "alice", Duration.ofSeconds(5));
				JsonNode answer = client.reconnect(port(node1));
				assertThat(answer.get("recovered").booleanValue()).as(answer.toString()).isTrue();
				assertThat(client.id()).isEqualTo(id);
				await().atMost(Duration.ofSeconds(30)).until(() -> client.news().size() >= 1010);
				assertThat(client.call("groups", null).get(0).stringValue()).isEqualTo("room");
				assertThat(client.news()).isEqualTo(Traffic.numbers(0, 1010));
			}
		}
		finally {
			doomed.destroyForcibly();
			Files.deleteIfExists(log.toPath());
		}
	}

	private static boolean answers(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

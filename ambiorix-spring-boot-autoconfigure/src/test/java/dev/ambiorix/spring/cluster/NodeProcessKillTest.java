package dev.ambiorix.spring.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.cluster.Peers.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node in a process of its own, killed with SIGKILL: with the default heartbeat (5 s)
 * and node timeout (15 s), the other node forgets its clients within 15 s.
 */
@Tag("redis")
class NodeProcessKillTest {

	final RedisServer redis = RedisServer.start();

	final RedisNodes nodes = new RedisNodes(this.redis);

	Process other;

	AmbiorixConnection client;

	@AfterEach
	void stopAll() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.other != null) {
			this.other.destroyForcibly();
		}
		this.nodes.close();
		this.redis.stop();
	}

	@Test
	void aNodeKilledWithSigkillLeavesNoGhostsWithinFifteenSecondsAndLeaveEventsFire() throws Exception {
		ConfigurableApplicationContext nodeA = this.nodes.start("ambiorix.cluster.heartbeat-interval=5s",
				"ambiorix.cluster.node-timeout=15s");
		int port = freePort();
		Path log = Files.createTempFile("ambiorix-node-", ".log");
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		this.other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				ClusterTestApplication.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--ambiorix.cluster.mode=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + this.redis.port(), "--spring.main.banner-mode=off")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		AtomicReference<AmbiorixConnection> connected = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			assertThat(this.other.isAlive()).as("the other node runs; see " + log).isTrue();
			connected.set(AmbiorixConnection.connect(port, "/?user=carol", Map.of()));
			return true;
		});
		this.client = connected.get();
		String clientId = call(this.client, "whoami", null).asString();
		call(this.client, "presence", "Carol");
		call(this.client, "join", "room");
		WebSocketClients onA = nodeA.getBean(WebSocketClients.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> onA.group("room").count() == 1);
		assertThat(onA.user("carol").count()).isEqualTo(1);
		List<MemberLeftEvent> events = nodeA.getBean(ClusterTestApplication.LeaveEvents.class).events;

		this.other.destroyForcibly();
		long killed = System.nanoTime();
		this.other.waitFor();
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> onA.group("room").count() == 0 && onA.user("carol").count() == 0 && events.size() == 1);
		assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThanOrEqualTo(Duration.ofSeconds(15));
		assertThat(onA.group("room").members()).isEmpty();
		assertThat(events).singleElement().satisfies((event) -> {
			assertThat(event.group()).isEqualTo("room");
			assertThat(event.nodeLost()).isTrue();
			assertThat(event.member().clientId()).isEqualTo(clientId);
			assertThat(event.member().user()).isEqualTo("carol");
			assertThat(event.member().presence().asString()).isEqualTo("Carol");
		});
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

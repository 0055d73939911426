package dev.ambiorix.sample.chat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.ambiorix.client.AmbiorixClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three chat nodes behind one real Redis, the third in a process of its own: when it is
 * killed, both survivors hear of its members, and yet everyone left in the room is told
 * once that they left.
 */
class ThreeNodesTest {

	@Test
	void membersOfANodeKilledWithSigkillAreAnnouncedOnceToEachClientOfTheSurvivors() throws Exception {
		try (LocalRedis redis = new LocalRedis();
				ConfigurableApplicationContext one = node(redis);
				ConfigurableApplicationContext two = node(redis)) {
			int port = freePort();
			Path log = Files.createTempFile("chat-node-", ".log");
			String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
			Process three = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
					ChatApplication.class.getName(), "--server.port=" + port, "--management.server.port=0",
					"--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--ambiorix.cluster.mode=redis",
					"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port(),
					"--ambiorix.cluster.heartbeat-interval=1s", "--ambiorix.cluster.node-timeout=3s",
					"--chat.leave-notice-delay=1s")
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			try (Member ann = new Member(port(one), "ann");
					Member ben = new Member(port(two), "ben");
					Member cat = connectWhenUp(three, log, port, "cat")) {
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(ann.lastOnline()).containsExactly("ann", "ben", "cat");
					assertThat(ben.lastOnline()).containsExactly("ann", "ben", "cat");
				});
				three.destroyForcibly();
				three.waitFor();
				// Node timeout 3 s and leave notice delay 1 s, with room for a loaded
				// machine.
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					assertThat(ann.notices).contains("cat left");
					assertThat(ben.notices).contains("cat left");
					assertThat(ann.lastOnline()).containsExactly("ann", "ben");
					assertThat(ben.lastOnline()).containsExactly("ann", "ben");
				});
				// Both survivors lost the node at about the same time and announce after
				// the
				// same delay: a second notice would come within a few seconds.
				await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					assertThat(ann.notices).filteredOn("cat left"::equals).hasSize(1);
					assertThat(ben.notices).filteredOn("cat left"::equals).hasSize(1);
				});
			}
			finally {
				three.destroyForcibly();
			}
		}
	}

	private static Member connectWhenUp(Process node, Path log, int port, String nickname) {
		AtomicReference<Member> member = new AtomicReference<>();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			assertThat(node.isAlive()).as("the third node runs; see " + log).isTrue();
			member.set(new Member(port, nickname));
			return true;
		});
		return member.get();
	}

	private static ConfigurableApplicationContext node(LocalRedis redis) {
		return new SpringApplicationBuilder(ChatApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.cluster.mode=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port(), "ambiorix.cluster.heartbeat-interval=1s",
					"ambiorix.cluster.node-timeout=3s", "chat.leave-notice-delay=1s")
			.run("--management.server.port=0");
	}

	private static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A chat member on one node, through the Java client, in room {@code general}.
	 */
	static final class Member implements AutoCloseable {

		final List<String> notices = new CopyOnWriteArrayList<>();

		final List<List<String>> online = new CopyOnWriteArrayList<>();

		private final AmbiorixClient client;

		Member(int port, String nickname) throws Exception {
			this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + "/")).build();
			this.client.receive("notice", Notice.class, (notice) -> this.notices.add(notice.text()));
			this.client.receive("online", Online.class, (list) -> this.online.add(list.names()));
			this.client.connect().get(30, TimeUnit.SECONDS);
			this.client.request("join", Map.of("nickname", nickname, "room", "general"), Map.class)
				.get(30, TimeUnit.SECONDS);
		}

		List<String> lastOnline() {
			return this.online.isEmpty() ? List.of() : this.online.get(this.online.size() - 1);
		}

		@Override
		public void close() {
			this.client.close();
		}

	}

	record Notice(String room, String text) {
	}

	record Online(String room, List<String> names) {
	}

}

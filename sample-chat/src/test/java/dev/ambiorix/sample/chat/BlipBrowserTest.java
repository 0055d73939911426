package dev.ambiorix.sample.chat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;

import dev.ambiorix.spring.WebSocketClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With recovery on, a page that loses its connection for a while comes back in its rooms:
 * no "left" or "joined" churn, the conversation kept, and every post it missed shown
 * once, in order.
 */
class BlipBrowserTest {

	private static final List<String> TWENTY_POSTS = IntStream.rangeClosed(1, 20)
		.mapToObj((n) -> "ann: post " + n)
		.toList();

	@Test
	void pageWhoseNodeIsDownForTenSecondsShowsEveryPostOnceInOrderWithoutChurn() throws Exception {
		int portTwo = freePort();
		try (LocalRedis redis = new LocalRedis(); ConfigurableApplicationContext one = node(redis, 0)) {
			ConfigurableApplicationContext two = node(redis, portTwo);
			try (Browser ann = new Browser().open(url(one)); Browser bob = new Browser().open(url(two))) {
				ann.join("ann");
				bob.join("bob");
				bob.waitFor("ann online on bob's page", () -> bob.online().equals(List.of("ann", "bob")));
				bob.say("before the outage");
				ann.waitFor("bob's post on ann's page", () -> ann.posts().contains("bob: before the outage"));
				listenToRecovery(bob);
				// Keep the test bounded: retry every 2 s at most while node two is down.
				bob.run("Ambiorix.configure({reconnect: {maxDelay: 2000}})");
				List<String> bobBefore = bob.messages();
				List<String> bobNotices = bob.notices();
				List<String> annNotices = ann.notices();

				two.close();
				Instant down = Instant.now();
				bob.waitFor("bob's page notices", () -> "reconnecting".equals(bob.status()));
				for (int n = 1; n <= 20; n++) {
					String text = "post " + n;
					ann.say(text);
					ann.waitFor("ann's " + text + " confirmed", () -> ann.posts().contains("ann: " + text));
					// The outage lasts 10 s, the posts spread over it.
					Instant next = down.plusMillis(500L * n);
					await().pollDelay(Duration.ZERO)
						.atMost(Duration.ofSeconds(15))
						.until(() -> !Instant.now().isBefore(next));
				}
				await().atMost(Duration.ofSeconds(15))
					.until(() -> Duration.between(down, Instant.now()).toSeconds() >= 10);
				two = node(redis, portTwo);

				bob.waitFor("bob's page recovered", Duration.ofSeconds(30),
						() -> recoveries(bob).equals(List.of(Map.of("recovered", true))));
				bob.waitFor("every post on bob's page", Duration.ofSeconds(20),
						() -> bob.posts().containsAll(TWENTY_POSTS));
				assertThat(annPosts(bob)).containsExactlyElementsOf(TWENTY_POSTS);
				assertThat(bob.messages()).startsWith(bobBefore.toArray(String[]::new));
				assertThat(bob.notices()).isEqualTo(bobNotices);
				bob.waitFor("bob online again on bob's page", () -> bob.online().equals(List.of("ann", "bob")));
				ann.waitFor("bob online again on ann's page", () -> ann.online().equals(List.of("ann", "bob")));
				// The leave notice delay (30 s here) is longer than the outage.
				assertThat(ann.notices()).isEqualTo(annNotices);
			}
			finally {
				two.close();
			}
		}
	}

	@Test
	void pageWhoseConnectionTheServerClosesShowsEveryPostOnceInOrderWithoutChurn() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(ChatApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run("--management.server.port=0");
				Browser ann = new Browser().open(url(server));
				Browser bob = new Browser().open(url(server))) {
			ann.join("ann");
			bob.join("bob");
			bob.waitFor("ann online on bob's page", () -> bob.online().equals(List.of("ann", "bob")));
			listenToRecovery(bob);
			String bobId = (String) bob.run("return Ambiorix.id()");
			List<String> bobNotices = bob.notices();
			List<String> annNotices = ann.notices();
			WebSocketClients clients = server.getBean(WebSocketClients.class);

			for (int n = 1; n <= 20; n++) {
				if (n == 6) {
					clients.find(bobId).orElseThrow().close(new CloseStatus(1001, "a blip"));
				}
				ann.say("post " + n);
			}
			ann.waitFor("ann's posts confirmed", () -> ann.posts().containsAll(TWENTY_POSTS));
			bob.waitFor("bob's page recovered", () -> recoveries(bob).equals(List.of(Map.of("recovered", true))));
			bob.waitFor("every post on bob's page", () -> bob.posts().containsAll(TWENTY_POSTS));
			assertThat(annPosts(bob)).containsExactlyElementsOf(TWENTY_POSTS);
			assertThat(bob.run("return Ambiorix.id()")).isEqualTo(bobId);
			ann.waitFor("bob online again on ann's page", () -> ann.online().equals(List.of("ann", "bob")));
			// Longer than the leave notice delay (5 s): a leave would have been
			// announced.
			await().during(Duration.ofSeconds(6))
				.atMost(Duration.ofSeconds(10))
				.until(() -> ann.notices().equals(annNotices) && bob.notices().equals(bobNotices));
		}
	}

	private static void listenToRecovery(Browser page) {
		page.run("window.recoveries = []; chat.on('recovered', (r) => recoveries.push({recovered: r.recovered}));");
	}

	@SuppressWarnings("unchecked")
	private static List<Object> recoveries(Browser page) {
		return new ArrayList<>((List<Object>) page.run("return window.recoveries"));
	}

	private static List<String> annPosts(Browser page) {
		return page.posts().stream().filter((post) -> post.startsWith("ann: post ")).toList();
	}

	private static ConfigurableApplicationContext node(LocalRedis redis, int port) {
		return new SpringApplicationBuilder(ChatApplication.class)
			.properties("server.port=" + port, "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.cluster.mode=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port(), "chat.leave-notice-delay=30s")
			// Above application.properties, so that the nodes' management ports differ.
			.run("--management.server.port=0");
	}

	private static String url(ConfigurableApplicationContext node) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

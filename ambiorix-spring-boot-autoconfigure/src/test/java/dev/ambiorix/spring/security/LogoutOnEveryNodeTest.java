package dev.ambiorix.spring.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A logout on one node closes that user's connections on every node, through the Redis
 * relay, each with 1008 and a reason; other users' connections stay.
 */
@Tag("redis")
class LogoutOnEveryNodeTest {

	static RedisServer redis;

	static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	static ConfigurableApplicationContext nodeA;

	static ConfigurableApplicationContext nodeB;

	@BeforeAll
	static void startRedisAndTwoSecuredNodes() {
		redis = RedisServer.start();
		nodeA = start();
		nodeB = start();
	}

	private static ConfigurableApplicationContext start() {
		ConfigurableApplicationContext node = new SpringApplicationBuilder(SecuredApplication.class,
				UpgradeRulesTest.AuthenticatedUpgrades.class, SessionEndTest.SessionEvents.class)
			.properties("server.port=0", "server.address=127.0.0.1", "ambiorix.cluster.mode=redis",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port(),
					"spring.data.redis.timeout=2s", "ambiorix.cluster.heartbeat-interval=1s",
					"ambiorix.cluster.node-timeout=3s", "spring.main.banner-mode=off")
			.run();
		nodes.add(node);
		return node;
	}

	@AfterAll
	static void stopAll() {
		nodes.forEach(ConfigurableApplicationContext::close);
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void aLogoutOnOneNodeClosesThatUsersConnectionsOnBothNodesWith1008() throws Exception {
		String onA = UpgradeRulesTest.logIn(port(nodeA), "user");
		String onB = UpgradeRulesTest.logIn(port(nodeB), "user");
		String adminOnB = UpgradeRulesTest.logIn(port(nodeB), "admin");
		try (AmbiorixConnection tabOnA = connect(nodeA, onA);
				AmbiorixConnection firstTabOnB = connect(nodeB, onB);
				AmbiorixConnection secondTabOnB = connect(nodeB, onB);
				AmbiorixConnection bystanderOnB = connect(nodeB, adminOnB)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> clients(nodeA).user("user").count() == 3 && clients(nodeB).user("user").count() == 3);
			logOut(port(nodeA), onA);
			for (AmbiorixConnection client : new AmbiorixConnection[] { tabOnA, firstTabOnB, secondTabOnB }) {
				await().atMost(Duration.ofSeconds(10)).until(() -> client.closeCode().isDone());
				assertThat(client.closeCode().join()).isEqualTo(1008);
				assertThat(client.closeReason()).isNotEmpty();
			}
			// The other node's sessions are alive: only the relay closes those.
			assertThat(firstTabOnB.closeReason()).isEqualTo("logged out");
			assertThat(secondTabOnB.closeReason()).isEqualTo("logged out");
			assertThat(bystanderOnB.request("whoami", null).stringValue()).isEqualTo("admin");
			assertThat(bystanderOnB.isOpen()).isTrue();
		}
	}

	@Test
	void closingAUserThroughTheApiOnOneNodeClosesTheirConnectionsOnTheOther() throws Exception {
		String onB = UpgradeRulesTest.logIn(port(nodeB), "admin");
		String userOnB = UpgradeRulesTest.logIn(port(nodeB), "user");
		try (AmbiorixConnection adminOnB = connect(nodeB, onB);
				AmbiorixConnection userTabOnB = connect(nodeB, userOnB)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA).user("admin").count() == 1);
			clients(nodeA).user("admin").close(CloseStatus.POLICY_VIOLATION.withReason("account locked"));
			await().atMost(Duration.ofSeconds(10)).until(() -> adminOnB.closeCode().isDone());
			assertThat(adminOnB.closeCode().join()).isEqualTo(1008);
			assertThat(adminOnB.closeReason()).isEqualTo("account locked");
			assertThat(userTabOnB.request("whoami", null).stringValue()).isEqualTo("user");
		}
	}

	private static int port(ConfigurableApplicationContext node) {
		return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
	}

	private static WebSocketClients clients(ConfigurableApplicationContext node) {
		return node.getBean(WebSocketClients.class);
	}

	private static AmbiorixConnection connect(ConfigurableApplicationContext node, String cookie) {
		return AmbiorixConnection.connect(port(node), "/", Map.of("Cookie", cookie));
	}

	/**
	 * Log out through Spring Security's logout page and form, CSRF token included.
	 */
	private static void logOut(int port, String cookie) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		URI logout = URI.create("http://127.0.0.1:" + port + "/logout");
		String page = http
			.send(HttpRequest.newBuilder(logout).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as("a CSRF token in the logout page").isTrue();
		HttpResponse<Void> loggedOut = http.send(HttpRequest.newBuilder(logout)
			.header("Cookie", cookie)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1)))
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(loggedOut.statusCode()).isEqualTo(302);
	}

}

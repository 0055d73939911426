package dev.ambiorix.spring.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.cluster.Peers.call;
import static dev.ambiorix.spring.cluster.Peers.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What two nodes do when their Redis goes away and comes back, or one of them goes away.
 */
@Tag("redis")
class RedisOutageTest {

	final RedisServer redis = RedisServer.start();

	final RedisNodes nodes = new RedisNodes(this.redis);

	final List<AmbiorixConnection> connected = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.connected.forEach(AmbiorixConnection::close);
		this.nodes.close();
		this.redis.stop();
	}

	AmbiorixConnection client(ConfigurableApplicationContext node) {
		AmbiorixConnection client = connect(RedisNodes.port(node), null);
		this.connected.add(client);
		return client;
	}

	@Test
	void redisStoppedForFiveSecondsLocalDeliveryGoesOnAndWhatWaitedReachesTheOtherNodeOnceInOrder()
			throws InterruptedException {
		ConfigurableApplicationContext nodeA = this.nodes.start("management.endpoint.health.show-details=always");
		ConfigurableApplicationContext nodeB = this.nodes.start();
		AmbiorixConnection onA = client(nodeA);
		AmbiorixConnection onB = client(nodeB);
		assertThat(actuatorHealth(nodeA).get("components").get("ambiorixCluster").get("status").stringValue())
			.isEqualTo("UP");
		call(onA, "join", "room");
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).group("room").count() == 1);
		WebSocketClients sender = clients(nodeA);
		RedisRelay relayA = nodeA.getBean(RedisRelay.class);
		sender.broadcast("n", "before");
		assertThat(onA.next().message().asString()).isEqualTo("before");
		assertThat(onB.next().message().asString()).isEqualTo("before");

		this.redis.stop();
		long stopped = System.nanoTime();
		for (int i = 0; i < 100; i++) {
			sender.broadcast("n", "during " + i);
		}
		// Local delivery never stopped.
		for (int i = 0; i < 100; i++) {
			assertThat(onA.next().message().asString()).isEqualTo("during " + i);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> !relayA.isUp());
		assertThat(relayA.waiting()).isEqualTo(100);
		HealthIndicator health = nodeA.getBean("ambiorixClusterHealthIndicator", HealthIndicator.class);
		assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.health().getDetails()).containsEntry("waiting", 100L);
		JsonNode down = actuatorHealth(nodeA);
		assertThat(down.get("status").stringValue()).as("/actuator/health as a whole").isEqualTo("DOWN");
		assertThat(down.get("components").get("ambiorixCluster").get("status").stringValue()).isEqualTo("DOWN");
		assertThat(onB.drain(Duration.ofMillis(200))).as("nothing crosses while Redis is down").isEmpty();
		Thread.sleep(Math.max(0, Duration.ofSeconds(5).toMillis() - (System.nanoTime() - stopped) / 1_000_000));
		this.redis.restart();

		sender.broadcast("n", "after");
		for (int i = 0; i < 100; i++) {
			assertThat(onB.next().message().asString()).isEqualTo("during " + i);
		}
		assertThat(onB.next().message().asString()).isEqualTo("after");
		assertThat(onA.next().message().asString()).isEqualTo("after");
		assertThat(onB.drain(Duration.ofMillis(300))).isEmpty();
		await().atMost(Duration.ofSeconds(15)).until(relayA::isUp);
		assertThat(health.health().getStatus()).isEqualTo(Status.UP);
		JsonNode up = actuatorHealth(nodeA);
		assertThat(up.get("status").stringValue()).as(up.toString()).isEqualTo("UP");
		assertThat(up.get("components").get("ambiorixCluster").get("status").stringValue()).isEqualTo("UP");
		assertThat(relayA.waiting()).isZero();
		assertThat(relayA.failed()).isZero();
		// Presence is written again by the next heartbeat, with no false leave events.
		await().atMost(Duration.ofSeconds(15)).until(() -> clients(nodeB).group("room").count() == 1);
		assertThat(nodeB.getBean(ClusterTestApplication.LeaveEvents.class).events).isEmpty();
	}

	@Test
	void whenTheRelayBufferIsFullFurtherEnvelopesAreCountedAsFailed() {
		ConfigurableApplicationContext nodeA = this.nodes.start("ambiorix.cluster.relay-buffer-size=10");
		AmbiorixConnection onA = client(nodeA);
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeA).count() == 1);
		RedisRelay relayA = nodeA.getBean(RedisRelay.class);
		this.redis.stop();
		for (int i = 0; i < 50; i++) {
			clients(nodeA).broadcast("n", i);
		}
		for (int i = 0; i < 50; i++) {
			assertThat(onA.next().message().asInt()).isEqualTo(i);
		}
		// At most one batch in flight plus a full buffer.
		assertThat(relayA.failed()).isPositive().isLessThanOrEqualTo(40);
		assertThat(relayA.waiting() + relayA.failed()).isEqualTo(50);
	}

	@Test
	void whileRedisAnswersABurstLargerThanTheBufferWaitsForRoomInsteadOfFailing() {
		ConfigurableApplicationContext nodeA = this.nodes.start("ambiorix.cluster.relay-buffer-size=50");
		ConfigurableApplicationContext nodeB = this.nodes.start();
		AmbiorixConnection onB = client(nodeB);
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 1);
		for (int i = 0; i < 5000; i++) {
			clients(nodeA).broadcast("n", i);
		}
		for (int i = 0; i < 5000; i++) {
			assertThat(onB.next().message().asInt()).isEqualTo(i);
		}
		assertThat(nodeA.getBean(RedisRelay.class).failed()).isZero();
	}

	@Test
	void aNodeThatGoesAwayLeavesNoGhostsAndTheOtherPublishesLeaveEvents() {
		ConfigurableApplicationContext nodeA = this.nodes.start();
		ConfigurableApplicationContext nodeB = this.nodes.start();
		AmbiorixConnection onB = client(nodeB);
		String onBId = call(onB, "whoami", null).asString();
		call(onB, "presence", "Bee");
		call(onB, "join", "room");
		call(onB, "join", "hall");
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeA).group("room").count() == 1);
		ClusterTestApplication.LeaveEvents eventsOnA = nodeA.getBean(ClusterTestApplication.LeaveEvents.class);
		nodeB.close();
		// Node timeout 3 s in these tests, with room for a loaded machine (the 15 s bound
		// of a SIGKILLed node with the default timeout is NodeProcessKillTest's).
		await().atMost(Duration.ofSeconds(10)).until(() -> clients(nodeA).group("room").count() == 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> eventsOnA.events.size() == 2);
		assertThat(eventsOnA.events).extracting(MemberLeftEvent::group).containsExactlyInAnyOrder("room", "hall");
		assertThat(eventsOnA.events).allSatisfy((event) -> {
			assertThat(event.nodeLost()).isTrue();
			assertThat(event.member().clientId()).isEqualTo(onBId);
			assertThat(event.member().presence().asString()).isEqualTo("Bee");
		});
	}

	/** {@code GET /actuator/health} over HTTP: 200 when UP, 503 when DOWN. */
	static JsonNode actuatorHealth(ConfigurableApplicationContext node) {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + RedisNodes.port(node) + "/actuator/health"))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(request, HttpResponse.BodyHandlers.ofString());
			JsonNode body = JsonMapper.builder().build().readTree(response.body());
			assertThat(response.statusCode()).as(response.body())
				.isEqualTo("UP".equals(body.get("status").stringValue()) ? 200 : 503);
			return body;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static WebSocketClients clients(ConfigurableApplicationContext node) {
		return node.getBean(WebSocketClients.class);
	}

}

package dev.ambiorix.spring.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In Redis mode the {@code ambiorix} endpoint lists the cluster's nodes with their last
 * heartbeat.
 */
@Tag("redis")
class ClusterEndpointTest {

	static final HttpClient http = HttpClient.newHttpClient();

	final RedisServer redis = RedisServer.start();

	final RedisNodes nodes = new RedisNodes(this.redis);

	@AfterEach
	void stopAll() {
		this.nodes.close();
		this.redis.stop();
	}

	@Test
	void endpointListsEveryNodeWithItsLastHeartbeat() throws Exception {
		Instant before = Instant.now().minusSeconds(1);
		ConfigurableApplicationContext nodeA = this.nodes.start("management.endpoints.web.exposure.include=ambiorix");
		ConfigurableApplicationContext nodeB = this.nodes.start();
		String idA = nodeA.getBean(RedisRelay.class).nodeId();
		String idB = nodeB.getBean(RedisRelay.class).nodeId();
		await().atMost(Duration.ofSeconds(10)).until(() -> cluster(nodeA).get("nodes").size() == 2);
		JsonNode cluster = cluster(nodeA);
		assertThat(cluster.get("nodeId").stringValue()).isEqualTo(idA);
		assertThat(cluster.get("error").isNull()).isTrue();
		for (JsonNode node : cluster.get("nodes")) {
			assertThat(node.get("id").stringValue()).isIn(idA, idB);
			assertThat(node.get("self").booleanValue()).isEqualTo(idA.equals(node.get("id").stringValue()));
			assertThat(Instant.parse(node.get("lastHeartbeat").stringValue())).isAfter(before)
				.isBefore(Instant.now().plusSeconds(1));
		}
	}

	static JsonNode cluster(ConfigurableApplicationContext node) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + RedisNodes.port(node) + "/actuator/ambiorix"))
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(response.body()).get("cluster");
	}

}

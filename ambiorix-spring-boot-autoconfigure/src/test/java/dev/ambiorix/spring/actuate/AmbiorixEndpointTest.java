package dev.ambiorix.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ambiorix} endpoint over HTTP lists handlers and clients and disconnects a
 * client; the health indicator says UP.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"management.endpoints.web.exposure.include=ambiorix,health", "management.endpoint.health.show-details=always" })
class AmbiorixEndpointTest {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Test
	void endpointListsHandlersAndClientsWithoutTheirAttributes() throws Exception {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == 1);
			String id = this.clients.all().iterator().next().id();
			this.clients.find(id).orElseThrow().attributes().put("secret", "hunter2");
			HttpResponse<String> response = send("GET", "/actuator/ambiorix");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).doesNotContain("hunter2").doesNotContain("attributes");
			JsonNode body = json.readTree(response.body());
			JsonNode echo = find(body.get("handlers"), "name", "echo");
			assertThat(echo.get("method").stringValue())
				.isEqualTo("dev.ambiorix.spring.support.TestApplication$Handlers#echo(JsonNode)");
			assertThat(echo.get("payloadType").stringValue()).isEqualTo("tools.jackson.databind.JsonNode");
			assertThat(find(body.get("handlers"), "name", "count").get("payloadType").stringValue())
				.isEqualTo("java.util.List<dev.ambiorix.spring.support.TestApplication$ChatMessage>");
			assertThat(find(body.get("handlers"), "name", "whoami").get("payloadType").isNull()).isTrue();
			JsonNode listed = find(body.get("clients"), "id", id);
			assertThat(listed.get("remoteAddress").stringValue()).startsWith("127.0.0.1:");
			assertThat(listed.get("user").isNull()).isTrue();
			assertThat(listed.get("connectedAt").stringValue()).isNotEmpty();
			assertThat(body.get("groups")).as("no group yet").isEmpty();
			assertThat(body.get("cluster").isNull()).as("no cluster in local mode").isTrue();
			assertThat(send("GET", "/actuator/ambiorix/" + id).statusCode()).isEqualTo(200);
			assertThat(send("GET", "/actuator/ambiorix/no-such-client").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void endpointListsGroupsWithTheirMemberCountsOnThisNode() throws Exception {
		try (AmbiorixConnection first = AmbiorixConnection.connect(this.port);
				AmbiorixConnection second = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == 2);
			this.clients.all().forEach((client) -> client.join("room"));
			this.clients.all().iterator().next().join("lobby");
			JsonNode groups = json.readTree(send("GET", "/actuator/ambiorix").body()).get("groups");
			assertThat(groups).hasSize(2);
			assertThat(groups.get(0).get("name").stringValue()).isEqualTo("lobby");
			assertThat(groups.get(0).get("members").intValue()).isEqualTo(1);
			assertThat(groups.get(1).get("name").stringValue()).isEqualTo("room");
			assertThat(groups.get(1).get("members").intValue()).isEqualTo(2);
		}
	}

	@Test
	void disconnectOperationClosesTheClientWith1008() throws Exception {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port);
				AmbiorixConnection other = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == 2);
			client.send("whoami", null);
			String id = client.next().message().get("id").stringValue();
			HttpResponse<String> response = send("DELETE", "/actuator/ambiorix/" + id);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(json.readTree(response.body()).get("disconnected").booleanValue()).isTrue();
			assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1008);
			assertThat(this.clients.find(id)).isEmpty();
			assertThat(other.isOpen()).isTrue();
			assertThat(
					json.readTree(send("DELETE", "/actuator/ambiorix/" + id).body()).get("disconnected").booleanValue())
				.isFalse();
		}
	}

	@Test
	void healthIsUpWithTheNumberOfClients() throws Exception {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == 1);
			HttpResponse<String> response = send("GET", "/actuator/health/ambiorix");
			assertThat(response.statusCode()).isEqualTo(200);
			JsonNode body = json.readTree(response.body());
			assertThat(body.get("status").stringValue()).isEqualTo("UP");
			assertThat(body.get("details").get("clients").intValue()).isEqualTo(1);
		}
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode find(JsonNode array, String key, String value) {
		for (JsonNode element : array) {
			if (value.equals(element.get(key).stringValue())) {
				return element;
			}
		}
		throw new AssertionError("no " + key + " " + value + " in " + array);
	}

}

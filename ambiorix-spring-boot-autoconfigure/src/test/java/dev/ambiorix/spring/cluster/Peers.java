package dev.ambiorix.spring.cluster;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.ambiorix.spring.support.TestClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for real clients of {@link ClusterTestApplication}.
 */
final class Peers {

	private static final AtomicInteger ids = new AtomicInteger();

	private Peers() {
	}

	static TestClient connect(int port, @Nullable String user) {
		return (user != null) ? TestClient.connect(port, "/?user=" + user, Map.of()) : TestClient.connect(port);
	}

	/**
	 * Ask a handler and wait for its answer; the client must have nothing else pending.
	 */
	static JsonNode call(TestClient client, String name, @Nullable Object message) {
		int id = ids.incrementAndGet();
		client.request(name, message, id);
		JsonNode reply = client.next();
		assertThat(reply.get("id").asInt()).as(reply.toString()).isEqualTo(id);
		return reply.get("message");
	}

	static void send(TestClient client, String name, String to, Object message) {
		client.send(name, Map.of("to", to, "message", message));
	}

	/**
	 * Assert that nothing reached the client before the answer to a fresh call.
	 */
	static void assertNothingMore(TestClient client) {
		int id = ids.incrementAndGet();
		client.request("whoami", null, id);
		JsonNode frame = client.next();
		assertThat(frame.has("id")).as("no frame before the answer, got " + frame).isTrue();
		assertThat(frame.get("id").asInt()).isEqualTo(id);
	}

}

package dev.ambiorix.spring.cluster;

import java.util.Map;

import dev.ambiorix.spring.support.AmbiorixConnection;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for real clients of {@link ClusterTestApplication}.
 */
final class Peers {

	private Peers() {
	}

	static AmbiorixConnection connect(int port, @Nullable String user) {
		return (user != null) ? AmbiorixConnection.connect(port, "/?user=" + user, Map.of())
				: AmbiorixConnection.connect(port);
	}

	/**
	 * Ask a handler and wait for its answer.
	 */
	static JsonNode call(AmbiorixConnection client, String name, @Nullable Object message) {
		return client.request(name, message);
	}

	static void send(AmbiorixConnection client, String name, String to, Object message) {
		client.send(name, Map.of("to", to, "message", message));
	}

	/**
	 * Assert that nothing reached the client before the answer to a fresh send: messages
	 * reach the client in the order the server sent them.
	 */
	static void assertNothingMore(AmbiorixConnection client) {
		client.send("whoami", null);
		AmbiorixConnection.Received first = client.next();
		assertThat(first.name()).as("no message before the answer, got " + first).isEqualTo("whoami");
	}

}

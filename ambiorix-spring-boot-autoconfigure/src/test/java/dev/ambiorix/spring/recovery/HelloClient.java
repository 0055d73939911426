package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.ambiorix.spring.support.TestClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real WebSocket client that speaks the {@code ambiorix:hello} exchange as
 * {@code ambiorix.js} does: it keeps its session token and the last offset received from
 * each node, and presents them when it connects again.
 */
final class HelloClient implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicInteger ids = new AtomicInteger();

	private final String path;

	private final Map<String, Long> offsets = new LinkedHashMap<>();

	/** Every application frame received, across connections, in order. */
	final List<JsonNode> received = new CopyOnWriteArrayList<>();

	/** Every frame of the recovery itself, across connections, in order. */
	final List<JsonNode> control = new CopyOnWriteArrayList<>();

	private final List<JsonNode> replies = new CopyOnWriteArrayList<>();

	private TestClient socket;

	private @Nullable TestClient previous;

	private @Nullable String session;

	private @Nullable String id;

	/**
	 * Whether this connection asked to recover and has no answer yet: frames without an
	 * offset are then for the provisional connection, and come again in the replay.
	 */
	private boolean resuming;

	private HelloClient(int port, String path) {
		this.path = path;
		this.socket = open(port, null);
		JsonNode welcome = awaitControl("ambiorix:welcome");
		this.session = welcome.get("session").stringValue();
		this.id = welcome.get("id").stringValue();
	}

	static HelloClient connect(int port, @Nullable String user) {
		return new HelloClient(port, (user != null) ? "/?user=" + user : "/");
	}

	String id() {
		return this.id;
	}

	String session() {
		return this.session;
	}

	private TestClient open(int port, @Nullable String offset) {
		TestClient socket = TestClient.connect(port, this.path, Map.of());
		ObjectNode message = json.createObjectNode();
		message.put("recovery", true);
		message.put("session", this.session);
		message.put("offset", offset);
		socket.send("ambiorix:hello", message);
		this.resuming = this.session != null;
		return socket;
	}

	/**
	 * Drop the connection as a network would: no close frame.
	 */
	void drop() {
		pump();
		this.socket.socket().abort();
	}

	/**
	 * Connect again, presenting the session and the offsets, and return the answer.
	 */
	JsonNode reconnect(int port) {
		pump();
		int before = this.control.size();
		this.socket.close();
		this.socket = open(port, presentedOffsets());
		JsonNode answer = awaitControl("ambiorix:recovered", before);
		if (answer.get("recovered").booleanValue()) {
			this.id = answer.get("id").stringValue();
		}
		else {
			JsonNode welcome = awaitControl("ambiorix:welcome", before);
			this.session = welcome.get("session").stringValue();
			this.id = welcome.get("id").stringValue();
		}
		return answer;
	}

	/**
	 * Connect again while the old connection is still open, as a client does whose
	 * network changed before the server saw the old socket die, and return the answer.
	 * @return the answer; the old connection is then {@link #previous()}
	 */
	JsonNode comeBackWhileOpen(int port) {
		pump();
		int before = this.control.size();
		this.previous = this.socket;
		this.socket = open(port, presentedOffsets());
		return awaitControl("ambiorix:recovered", before);
	}

	/**
	 * The last offset received from each node, as a returning client presents them.
	 */
	private @Nullable String presentedOffsets() {
		String offset = this.offsets.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + ":" + entry.getValue())
			.collect(Collectors.joining(" "));
		return offset.isEmpty() ? null : offset;
	}

	/**
	 * Return the connection left open by {@link #comeBackWhileOpen}.
	 */
	@Nullable TestClient previous() {
		return this.previous;
	}

	/**
	 * Return how many frames arrived that were not taken in yet.
	 */
	int unread() {
		return this.socket.pending();
	}

	/**
	 * Ask a handler and wait for the reply with the same id.
	 */
	JsonNode call(String name, @Nullable Object message) {
		int callId = ids.incrementAndGet();
		this.socket.request(name, message, callId);
		JsonNode[] reply = new JsonNode[1];
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			pump();
			for (JsonNode frame : this.replies) {
				if (frame.path("id").asInt() == callId) {
					reply[0] = frame;
					return true;
				}
			}
			return false;
		});
		return reply[0].get("message");
	}

	/**
	 * Take in whatever arrived.
	 */
	synchronized void pump() {
		String text;
		while (this.socket.pending() > 0 && (text = this.socket.nextText()) != null) {
			JsonNode frame = json.readTree(text);
			JsonNode offset = frame.get("offset");
			if (this.resuming && offset == null && !frame.get("name").stringValue().startsWith("ambiorix:")) {
				continue;
			}
			if ("ambiorix:recovered".equals(frame.get("name").stringValue())) {
				this.resuming = false;
			}
			if (offset != null) {
				String value = offset.stringValue();
				int colon = value.lastIndexOf(':');
				this.offsets.put(value.substring(0, colon), Long.parseLong(value.substring(colon + 1)));
			}
			if (frame.get("name").stringValue().startsWith("ambiorix:")) {
				this.control.add(frame);
			}
			else if (frame.has("id")) {
				this.replies.add(frame);
			}
			else {
				this.received.add(frame);
			}
		}
	}

	/**
	 * The numbers {@code n} of the "news" received, in order.
	 */
	List<Integer> news() {
		pump();
		List<Integer> numbers = new ArrayList<>();
		for (JsonNode frame : this.received) {
			if ("news".equals(frame.get("name").stringValue())) {
				numbers.add(frame.get("message").get("n").asInt());
			}
		}
		return numbers;
	}

	private JsonNode awaitControl(String name) {
		return awaitControl(name, 0);
	}

	private JsonNode awaitControl(String name, int from) {
		JsonNode[] found = new JsonNode[1];
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			pump();
			for (int i = from; i < this.control.size(); i++) {
				if (name.equals(this.control.get(i).get("name").stringValue())) {
					found[0] = this.control.get(i).get("message");
					return true;
				}
			}
			return false;
		});
		assertThat(found[0]).isNotNull();
		return found[0];
	}

	@Override
	public void close() {
		if (this.previous != null) {
			this.previous.close();
		}
		this.socket.close();
	}

}

package dev.ambiorix.spring.test;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.WebSocketClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.web.socket.CloseStatus;

/**
 * A {@link WebSocketClient} without a network, for unit tests of handlers: it records
 * what it was sent and how it was closed. Thread-safe.
 * <p>
 * Create it with {@link RecordingWebSocketClients#connect(String)} so that broadcasts
 * reach it too. Messages are kept as the objects the handler passed, not as JSON.
 */
public final class RecordingWebSocketClient implements WebSocketClient {

	private final String id;

	private final @Nullable Principal principal;

	private final RecordingWebSocketClients clients;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	private final List<Message> received = new CopyOnWriteArrayList<>();

	private final Set<String> groups = ConcurrentHashMap.newKeySet();

	private volatile @Nullable JsonNode presence;

	private volatile @Nullable CloseStatus closeStatus;

	RecordingWebSocketClient(String id, @Nullable Principal principal, RecordingWebSocketClients clients) {
		this.id = id;
		this.principal = principal;
		this.clients = clients;
	}

	@Override
	public String id() {
		return this.id;
	}

	/**
	 * Record a message sent to this client, unless it is closed (a real client drops it
	 * then too, and says so).
	 * @param name the name
	 * @param message the message
	 * @return whether it was recorded
	 */
	@Override
	public boolean send(String name, @Nullable Object message) {
		if (!isOpen()) {
			return false;
		}
		this.received.add(new Message(name, message));
		return true;
	}

	@Override
	public void close() {
		close(CloseStatus.NORMAL);
	}

	@Override
	public void close(CloseStatus status) {
		if (this.closeStatus == null) {
			this.closeStatus = status;
			this.groups.clear();
			this.clients.closed(this);
		}
	}

	@Override
	public boolean isOpen() {
		return this.closeStatus == null;
	}

	@Override
	public @Nullable Principal principal() {
		return this.principal;
	}

	@Override
	public Map<String, Object> attributes() {
		return this.attributes;
	}

	@Override
	public void join(String group) {
		if (isOpen()) {
			this.groups.add(RecordingWebSocketClients.checkName(group));
		}
	}

	@Override
	public void leave(String group) {
		this.groups.remove(group);
	}

	@Override
	public Set<String> groups() {
		return Set.copyOf(this.groups);
	}

	/**
	 * Keep a presence value, converted to JSON as the server would.
	 * @param presence the value, or {@code null} to clear it
	 */
	@Override
	public void setPresence(@Nullable Object presence) {
		this.presence = (presence != null) ? RecordingWebSocketClients.json.valueToTree(presence) : null;
	}

	@Override
	public @Nullable JsonNode presence() {
		return this.presence;
	}

	/**
	 * Return every message this client was sent, directly or by a broadcast, in order.
	 * @return a snapshot
	 */
	public List<Message> received() {
		return List.copyOf(this.received);
	}

	/**
	 * Return the messages with this name this client was sent, in order.
	 * @param name the name
	 * @return a snapshot of the messages (elements may be {@code null})
	 */
	public List<@Nullable Object> received(String name) {
		List<@Nullable Object> messages = new ArrayList<>();
		for (Message message : this.received) {
			if (message.name().equals(name)) {
				messages.add(message.message());
			}
		}
		return messages;
	}

	/**
	 * Return how the client was closed.
	 * @return the close status, or {@code null} while it is open
	 */
	public @Nullable CloseStatus closeStatus() {
		return this.closeStatus;
	}

	@Override
	public String toString() {
		return "RecordingWebSocketClient[" + this.id + "]";
	}

	/**
	 * A message a client was sent.
	 *
	 * @param name the name
	 * @param message the message as the handler passed it
	 */
	public record Message(String name, @Nullable Object message) {

		/**
		 * Create a message.
		 * @param name the name
		 * @param message the message
		 */
		public Message {
			Objects.requireNonNull(name, "name");
		}

	}

}

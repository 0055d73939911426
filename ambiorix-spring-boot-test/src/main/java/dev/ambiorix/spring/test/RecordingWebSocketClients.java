package dev.ambiorix.spring.test;

import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import org.jspecify.annotations.Nullable;

/**
 * {@link WebSocketClients} without a network, for unit tests of handlers: clients are
 * {@link RecordingWebSocketClient}s the test connects, every send and broadcast is
 * delivered to them and recorded with its addressees. Thread-safe.
 * <p>
 * <pre class="code">
 * RecordingWebSocketClients clients = new RecordingWebSocketClients();
 * RecordingWebSocketClient ada = clients.connect("ada");
 * RecordingWebSocketClient grace = clients.connect("grace");
 * new ChatHandlers().chat("hi", ada, clients);
 * assertThat(clients.sent()).containsExactly(Sent.toAllExcept("ada", "chat", "hi"));
 * assertThat(grace.received("chat")).containsExactly("hi");
 * </pre>
 */
public final class RecordingWebSocketClients implements WebSocketClients {

	private final Map<String, RecordingWebSocketClient> clients = new ConcurrentHashMap<>();

	private final List<Sent> sent = new CopyOnWriteArrayList<>();

	/**
	 * Connect an anonymous client.
	 * @param id the client's id, unique among open clients
	 * @return the client
	 */
	public RecordingWebSocketClient connect(String id) {
		return connect(id, null);
	}

	/**
	 * Connect a client as a user.
	 * @param id the client's id, unique among open clients
	 * @param principal the handshake user, or {@code null}
	 * @return the client
	 */
	public RecordingWebSocketClient connect(String id, @Nullable Principal principal) {
		RecordingWebSocketClient client = new RecordingWebSocketClient(id, principal, this);
		if (this.clients.putIfAbsent(id, client) != null) {
			throw new IllegalArgumentException("A client with id '" + id + "' is already connected");
		}
		return client;
	}

	void closed(RecordingWebSocketClient client) {
		this.clients.remove(client.id(), client);
	}

	@Override
	public Collection<WebSocketClient> all() {
		return List.copyOf(this.clients.values());
	}

	@Override
	public int count() {
		return this.clients.size();
	}

	@Override
	public Optional<WebSocketClient> find(String id) {
		return Optional.ofNullable(this.clients.get(id));
	}

	@Override
	public void broadcast(String name, @Nullable Object message) {
		this.sent.add(new Sent(Sent.ALL, null, name, message));
		this.clients.values().forEach((client) -> client.send(name, message));
	}

	@Override
	public void broadcastExcept(WebSocketClient except, String name, @Nullable Object message) {
		this.sent.add(new Sent(Sent.ALL, except.id(), name, message));
		this.clients.values()
			.stream()
			.filter((client) -> !client.id().equals(except.id()))
			.forEach((client) -> client.send(name, message));
	}

	@Override
	public void send(String id, String name, @Nullable Object message) {
		this.sent.add(new Sent(id, null, name, message));
		RecordingWebSocketClient client = this.clients.get(id);
		if (client != null) {
			client.send(name, message);
		}
	}

	/**
	 * Return every broadcast and send made through this object, in order; sends made on a
	 * client directly are in that client's {@link RecordingWebSocketClient#received()}.
	 * @return a snapshot
	 */
	public List<Sent> sent() {
		return List.copyOf(this.sent);
	}

	/**
	 * One broadcast or send through {@link WebSocketClients}.
	 *
	 * @param to the addressee: a client id, or {@link #ALL} for a broadcast
	 * @param except the client a broadcast left out, or {@code null}
	 * @param name the name
	 * @param message the message as the handler passed it
	 */
	public record Sent(String to, @Nullable String except, String name, @Nullable Object message) {

		/** The addressee of a broadcast. */
		public static final String ALL = "*";

		/**
		 * A broadcast to every client.
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent toAll(String name, @Nullable Object message) {
			return new Sent(ALL, null, name, message);
		}

		/**
		 * A broadcast to every client but one.
		 * @param except the id of the client left out
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent toAllExcept(String except, String name, @Nullable Object message) {
			return new Sent(ALL, except, name, message);
		}

		/**
		 * A send to one client by id.
		 * @param id the client id
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent to(String id, String name, @Nullable Object message) {
			return new Sent(id, null, name, message);
		}

	}

}

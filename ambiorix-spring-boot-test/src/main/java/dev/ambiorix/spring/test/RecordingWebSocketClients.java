package dev.ambiorix.spring.test;

import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import dev.ambiorix.spring.ClientGroup;
import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;

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

	static final JsonMapper json = JsonMapper.builder().build();

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

	@Override
	public ClientGroup group(String group) {
		return new RecordingGroup(Sent.GROUP + checkName(group),
				() -> this.clients.values().stream().filter((client) -> client.groups().contains(group)).toList());
	}

	@Override
	public ClientGroup user(String user) {
		return new RecordingGroup(Sent.USER + checkName(user),
				() -> this.clients.values()
					.stream()
					.filter((client) -> client.principal() != null && user.equals(client.principal().getName()))
					.toList());
	}

	static String checkName(String name) {
		if (name.isEmpty() || name.length() > ClientGroup.MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("A group or user name has 1 to " + ClientGroup.MAX_NAME_LENGTH
					+ " characters, was " + name.length());
		}
		return name;
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
	 * The members of one group or the connections of one user, as the recording sees
	 * them.
	 */
	private final class RecordingGroup implements ClientGroup {

		private final String to;

		private final Supplier<List<RecordingWebSocketClient>> members;

		RecordingGroup(String to, Supplier<List<RecordingWebSocketClient>> members) {
			this.to = to;
			this.members = members;
		}

		@Override
		public String name() {
			return this.to.substring(this.to.indexOf(':') + 1);
		}

		@Override
		public void broadcast(String name, @Nullable Object message) {
			RecordingWebSocketClients.this.sent.add(new Sent(this.to, null, name, message));
			this.members.get().forEach((client) -> client.send(name, message));
		}

		@Override
		public void broadcastExcept(WebSocketClient except, String name, @Nullable Object message) {
			RecordingWebSocketClients.this.sent.add(new Sent(this.to, except.id(), name, message));
			this.members.get()
				.stream()
				.filter((client) -> !client.id().equals(except.id()))
				.forEach((client) -> client.send(name, message));
		}

		@Override
		public int count() {
			return this.members.get().size();
		}

		@Override
		public void close(CloseStatus status) {
			this.members.get().forEach((client) -> client.close(status));
		}

		@Override
		public List<Member> members() {
			return this.members.get().stream().map((client) -> {
				Principal principal = client.principal();
				return new Member(client.id(), (principal != null) ? principal.getName() : null, client.presence());
			}).toList();
		}

	}

	/**
	 * One broadcast or send through {@link WebSocketClients}.
	 *
	 * @param to the addressee: a client id, {@link #ALL} for a broadcast, or
	 * {@code group:<name>} or {@code user:<name>} for a broadcast to a group or a user
	 * @param except the client a broadcast left out, or {@code null}
	 * @param name the name
	 * @param message the message as the handler passed it
	 */
	public record Sent(String to, @Nullable String except, String name, @Nullable Object message) {

		/** The addressee of a broadcast. */
		public static final String ALL = "*";

		/** The prefix of a broadcast to a group. */
		public static final String GROUP = "group:";

		/** The prefix of a broadcast to every connection of a user. */
		public static final String USER = "user:";

		/**
		 * A broadcast to a group.
		 * @param group the group
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent toGroup(String group, String name, @Nullable Object message) {
			return new Sent(GROUP + group, null, name, message);
		}

		/**
		 * A broadcast to a group but one client.
		 * @param group the group
		 * @param except the id of the client left out
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent toGroupExcept(String group, String except, String name, @Nullable Object message) {
			return new Sent(GROUP + group, except, name, message);
		}

		/**
		 * A broadcast to every connection of a user.
		 * @param user the user name
		 * @param name the name
		 * @param message the message
		 * @return the record
		 */
		public static Sent toUser(String user, String name, @Nullable Object message) {
			return new Sent(USER + user, null, name, message);
		}

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

package dev.ambiorix.spring.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.ambiorix.spring.ClientGroup;
import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * {@link WebSocketClients} over this node's clients and a {@link FrameDelivery}.
 */
public final class DefaultWebSocketClients implements WebSocketClients {

	private final LocalClients clients;

	private final FrameDelivery delivery;

	private final EnvelopeWriter writer;

	private final MemberDirectory directory;

	/**
	 * Create the registry view of a single node.
	 * @param clients this node's clients
	 * @param delivery where broadcasts and targeted sends go
	 * @param writer writes each envelope once
	 */
	public DefaultWebSocketClients(LocalClients clients, FrameDelivery delivery, EnvelopeWriter writer) {
		this(clients, delivery, writer, MemberDirectory.local(clients));
	}

	/**
	 * Create the registry view.
	 * @param clients this node's clients
	 * @param delivery where broadcasts and targeted sends go
	 * @param writer writes each envelope once
	 * @param directory who is in each group and user, on every node
	 */
	public DefaultWebSocketClients(LocalClients clients, FrameDelivery delivery, EnvelopeWriter writer,
			MemberDirectory directory) {
		this.clients = clients;
		this.delivery = delivery;
		this.writer = writer;
		this.directory = directory;
	}

	@Override
	public Collection<WebSocketClient> all() {
		return List.copyOf(this.clients.all());
	}

	@Override
	public int count() {
		return this.clients.count();
	}

	@Override
	public Optional<WebSocketClient> find(String id) {
		return Optional.ofNullable(this.clients.get(id));
	}

	@Override
	public void broadcast(String name, @Nullable Object message) {
		this.delivery.toAll(this.writer.write(name, message), null);
	}

	@Override
	public void broadcastExcept(WebSocketClient except, String name, @Nullable Object message) {
		this.delivery.toAll(this.writer.write(name, message), except.id());
	}

	@Override
	public void send(String id, String name, @Nullable Object message) {
		this.delivery.toClient(id, this.writer.write(name, message));
	}

	@Override
	public ClientGroup group(String group) {
		LocalClients.checkName("group", group);
		return new Members(false, group);
	}

	@Override
	public ClientGroup user(String user) {
		LocalClients.checkName("user", user);
		return new Members(true, user);
	}

	/**
	 * The members of a group, or the connections of a user: the same operations, on the
	 * delivery's and the directory's group or user side.
	 */
	private final class Members implements ClientGroup {

		private final boolean user;

		private final String name;

		Members(boolean user, String name) {
			this.user = user;
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public void broadcast(String name, @Nullable Object message) {
			deliver(DefaultWebSocketClients.this.writer.write(name, message), null);
		}

		@Override
		public void broadcastExcept(WebSocketClient except, String name, @Nullable Object message) {
			deliver(DefaultWebSocketClients.this.writer.write(name, message), except.id());
		}

		private void deliver(String frame, @Nullable String exceptId) {
			FrameDelivery delivery = DefaultWebSocketClients.this.delivery;
			if (this.user) {
				delivery.toUser(this.name, frame, exceptId);
			}
			else {
				delivery.toGroup(this.name, frame, exceptId);
			}
		}

		@Override
		public int count() {
			MemberDirectory directory = DefaultWebSocketClients.this.directory;
			return this.user ? directory.userCount(this.name) : directory.groupCount(this.name);
		}

		@Override
		public List<Member> members() {
			MemberDirectory directory = DefaultWebSocketClients.this.directory;
			return this.user ? directory.userMembers(this.name) : directory.groupMembers(this.name);
		}

		@Override
		public void close(CloseStatus status) {
			FrameDelivery delivery = DefaultWebSocketClients.this.delivery;
			if (this.user) {
				delivery.closeUser(this.name, status);
			}
			else {
				delivery.closeGroup(this.name, status);
			}
		}

		@Override
		public String toString() {
			return "ClientGroup[" + (this.user ? "user " : "") + this.name + "]";
		}

	}

}

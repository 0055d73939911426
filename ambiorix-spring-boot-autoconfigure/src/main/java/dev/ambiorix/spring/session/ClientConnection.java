package dev.ambiorix.spring.session;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A connected client: its session, its outbound queue and when it was last heard from.
 * Created by {@link ClientConnections#open}.
 */
public final class ClientConnection implements WebSocketClient {

	private final String id;

	private final WebSocketSession session;

	private final Transport transport;

	private final EnvelopeWriter writer;

	private final LocalClients clients;

	private final Executor closer;

	private final OutboundQueue outbound;

	private volatile long lastHeardNanos = System.nanoTime();

	ClientConnection(String id, WebSocketSession session, Transport transport, EnvelopeWriter writer,
			OutboundLimits limits, LocalClients clients, Executor closer) {
		this.id = id;
		this.session = session;
		this.transport = transport;
		this.writer = writer;
		this.clients = clients;
		this.closer = closer;
		this.outbound = new OutboundQueue(transport, limits.maxQueuedChars(), limits.sendTimeLimitNanos(),
				this::terminated);
	}

	@Override
	public String id() {
		return this.id;
	}

	@Override
	public boolean send(String name, @Nullable Object message) {
		if (!this.outbound.isAccepting()) {
			return false;
		}
		return sendFrame(this.writer.write(name, message));
	}

	/**
	 * Queue an already written frame.
	 * @param frame the frame text
	 * @return whether it was queued
	 */
	public boolean sendFrame(String frame) {
		return this.outbound.offer(frame);
	}

	@Override
	public void close() {
		close(CloseStatus.NORMAL);
	}

	@Override
	public void close(CloseStatus status) {
		// Gone from the registry now, not when the container reports the close.
		this.clients.remove(this);
		this.outbound.closeAfterPending(status);
	}

	/**
	 * Close at once, dropping queued frames: for clients that are stuck or gone. The
	 * client leaves the registry now; the close itself runs in the background, since a
	 * stuck connection can take a while to close.
	 * @param status the close status
	 */
	public void terminate(CloseStatus status) {
		if (this.outbound.discard()) {
			terminated(status);
		}
	}

	private void terminated(CloseStatus status) {
		this.clients.remove(this);
		// A client that has already gone needs no close: when thousands leave at once,
		// scheduling one each would start a thread each.
		if (this.session.isOpen()) {
			this.transport.terminate(status, this.closer);
		}
	}

	@Override
	public boolean isOpen() {
		return this.outbound.isAccepting() && this.session.isOpen();
	}

	@Override
	public @Nullable Principal principal() {
		return this.session.getPrincipal();
	}

	@Override
	public Map<String, Object> attributes() {
		return this.session.getAttributes();
	}

	@Override
	public void join(String group) {
		this.clients.join(this, group);
	}

	@Override
	public void leave(String group) {
		this.clients.leave(this, group);
	}

	@Override
	public Set<String> groups() {
		return this.clients.groups(this);
	}

	@Override
	public void setPresence(@Nullable Object presence) {
		this.clients.presence(this, (presence != null) ? this.writer.presence(presence) : null);
	}

	@Override
	public @Nullable JsonNode presence() {
		return this.clients.presence(this);
	}

	/**
	 * Return the underlying session, for handlers that ask for it.
	 * @return the session
	 */
	public WebSocketSession session() {
		return this.session;
	}

	/**
	 * Record that a frame, a pong included, arrived from the client.
	 */
	public void heard() {
		this.lastHeardNanos = System.nanoTime();
	}

	long lastHeardNanos() {
		return this.lastHeardNanos;
	}

	OutboundQueue outbound() {
		return this.outbound;
	}

	Transport transport() {
		return this.transport;
	}

	@Override
	public String toString() {
		return "WebSocketClient[" + this.id + "]";
	}

}

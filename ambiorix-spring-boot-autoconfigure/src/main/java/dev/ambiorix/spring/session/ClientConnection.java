package dev.ambiorix.spring.session;

import java.security.Principal;
import java.time.Instant;
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

	private volatile String id;

	private final WebSocketSession session;

	private final Transport transport;

	private final EnvelopeWriter writer;

	private final LocalClients clients;

	private final Executor closer;

	private final OutboundQueue outbound;

	private volatile long lastHeardNanos = System.nanoTime();

	private final Instant connectedAt = Instant.now();

	private volatile @Nullable Recoverable recoverable;

	ClientConnection(String id, WebSocketSession session, Transport transport, EnvelopeWriter writer,
			OutboundLimits limits, LocalClients clients, Executor closer) {
		this.id = id;
		this.session = session;
		this.transport = transport;
		this.writer = writer;
		this.clients = clients;
		this.closer = closer;
		this.outbound = new OutboundQueue(transport, limits.maxQueuedBytes(), limits.sendTimeLimitNanos(),
				this::dropped);
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
		Recoverable recoverable = this.recoverable;
		if (recoverable != null) {
			// Numbered and recorded, then queued through queueFrame.
			recoverable.sendOwn(frame);
			return this.outbound.isAccepting();
		}
		return offer(frame);
	}

	/**
	 * Deliver a frame of a broadcast or a send by id: numbered to a client that asked for
	 * recovery, as written to any other.
	 * @param frame the frame text
	 * @param stamp the numbered frame, or {@code null} when recovery is off
	 */
	public void deliver(String frame, @Nullable Stamp stamp) {
		Recoverable recoverable = this.recoverable;
		if (recoverable != null && stamp != null) {
			recoverable.deliver(stamp);
			return;
		}
		offer(frame);
	}

	/**
	 * Queue a frame as it is, recording nothing: for the frames of the recovery itself.
	 * @param frame the frame text
	 */
	public void queueFrame(String frame) {
		offer(frame);
	}

	/** Every frame reaches the queue here, so that the monitor sees each once. */
	private boolean offer(String frame) {
		boolean queued = this.outbound.offer(frame);
		this.clients.monitor().outbound(frame, Utf8.length(frame), queued);
		return queued;
	}

	/**
	 * Make this client recoverable, or not.
	 * @param recoverable what numbers and records its frames, or {@code null}
	 */
	public void recoverable(@Nullable Recoverable recoverable) {
		this.recoverable = recoverable;
	}

	/**
	 * Return what numbers and records this client's frames.
	 * @return it, or {@code null} when the client did not ask for recovery
	 */
	public @Nullable Recoverable recoverable() {
		return this.recoverable;
	}

	/**
	 * Take the id of the client this connection recovers. Called by
	 * {@link LocalClients#rename}.
	 * @param id the id
	 */
	void id(String id) {
		this.id = id;
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

	private void dropped(CloseStatus status) {
		this.clients.monitor().dropped(this, DropReason.of(status));
		terminated(status);
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

	/**
	 * Return when the client connected.
	 * @return the time of the connect
	 */
	public Instant connectedAt() {
		return this.connectedAt;
	}

	/**
	 * Return the monitor to tell what happens to this client.
	 * @return the monitor
	 */
	public AmbiorixMonitor monitor() {
		return this.clients.monitor();
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

package dev.ambiorix.spring.session;

import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.protocol.EnvelopeWriter;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.WebSocketSession;

/**
 * Opens a {@link ClientConnection} for each new session and registers it.
 */
public final class ClientConnections implements DisposableBean {

	static final int CLOSE_THREADS = 2;

	private final LocalClients clients;

	private final EnvelopeWriter writer;

	private final OutboundLimits limits;

	private final long maxMessageBytes;

	/**
	 * Runs closes that may block (Tomcat's), each for at most a millisecond when the
	 * client is stuck: a few threads, however many clients go at once.
	 */
	private final ThreadPoolExecutor closer;

	/**
	 * Create the factory, for messages of up to 64 KiB.
	 * @param clients where open clients are registered
	 * @param writer writes envelopes for {@code send}
	 * @param limits each client's outbound limits
	 */
	public ClientConnections(LocalClients clients, EnvelopeWriter writer, OutboundLimits limits) {
		this(clients, writer, limits, 64 * 1024);
	}

	/**
	 * Create the factory.
	 * @param clients where open clients are registered
	 * @param writer writes envelopes for {@code send}
	 * @param limits each client's outbound limits
	 * @param maxMessageBytes the largest message a client may send, which the container
	 * must let through to the endpoint
	 */
	public ClientConnections(LocalClients clients, EnvelopeWriter writer, OutboundLimits limits, long maxMessageBytes) {
		this.clients = clients;
		this.writer = writer;
		this.limits = limits;
		this.maxMessageBytes = maxMessageBytes;
		CustomizableThreadFactory closeThreads = new CustomizableThreadFactory("ambiorix-close-");
		closeThreads.setDaemon(true);
		this.closer = new ThreadPoolExecutor(CLOSE_THREADS, CLOSE_THREADS, 10, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), closeThreads);
		this.closer.allowCoreThreadTimeOut(true);
	}

	/**
	 * Open and register a client for a session that has just connected. Its id is random,
	 * so ids stay unique across nodes and cannot be guessed.
	 * @param session the session
	 * @return the client
	 */
	public ClientConnection open(WebSocketSession session) {
		ClientConnection client = new ClientConnection(UUID.randomUUID().toString(), session,
				Transports.forSession(session, this.limits, this.closer, this.maxMessageBytes), this.writer,
				this.limits, this.clients, this.closer);
		this.clients.add(client);
		return client;
	}

	Executor closer() {
		return this.closer;
	}

	@Override
	public void destroy() {
		this.closer.shutdown();
	}

}

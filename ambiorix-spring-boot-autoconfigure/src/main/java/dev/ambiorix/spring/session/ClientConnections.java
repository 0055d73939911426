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

	private final LocalClients clients;

	private final EnvelopeWriter writer;

	private final OutboundLimits limits;

	/**
	 * Threads for closes that may block, and sends on containers without asynchronous
	 * ones: bounded, since thousands of clients can go at once; each task is short (a
	 * blocking close is bounded by the container's send timeout), so the rest wait in
	 * line.
	 */
	static final int BACKGROUND_THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

	private final ThreadPoolExecutor background;

	/**
	 * Create the factory.
	 * @param clients where open clients are registered
	 * @param writer writes envelopes for {@code send}
	 * @param limits each client's outbound limits
	 */
	public ClientConnections(LocalClients clients, EnvelopeWriter writer, OutboundLimits limits) {
		this.clients = clients;
		this.writer = writer;
		this.limits = limits;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-background-");
		threads.setDaemon(true);
		this.background = new ThreadPoolExecutor(BACKGROUND_THREADS, BACKGROUND_THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), threads);
		this.background.allowCoreThreadTimeOut(true);
	}

	/**
	 * Open and register a client for a session that has just connected. Its id is random,
	 * so ids stay unique across nodes and cannot be guessed.
	 * @param session the session
	 * @return the client
	 */
	public ClientConnection open(WebSocketSession session) {
		ClientConnection client = new ClientConnection(UUID.randomUUID().toString(), session,
				Transports.forSession(session, this.limits, this.background), this.writer, this.limits, this.clients,
				this.background);
		this.clients.add(client);
		return client;
	}

	Executor background() {
		return this.background;
	}

	@Override
	public void destroy() {
		this.background.shutdown();
	}

}

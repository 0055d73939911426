package dev.ambiorix.spring.endpoint;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import dev.ambiorix.spring.handler.EnvelopeDispatcher;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.protocol.InboundFrame;
import dev.ambiorix.spring.protocol.NotForUs;
import dev.ambiorix.spring.protocol.ProtocolError;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.ClientConnections;
import dev.ambiorix.spring.session.ConnectionRecovery;
import dev.ambiorix.spring.session.LocalClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.log.LogMessage;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The Ambiorix protocol endpoint: one {@link ClientConnection} per session, each text
 * message read as an envelope and dispatched, and every kind of bad input answered with
 * an error envelope on a connection that stays open (only an oversized message closes it,
 * with 1009).
 * <p>
 * Messages of one session arrive one at a time from the container, so frames are handled
 * in the order they were sent.
 */
public final class AmbiorixWebSocketHandler implements WebSocketHandler {

	static final CloseStatus TOO_BIG = CloseStatus.TOO_BIG_TO_PROCESS;

	private static final Log logger = LogFactory.getLog(AmbiorixWebSocketHandler.class);

	private final ClientConnections connections;

	private final LocalClients clients;

	private final EnvelopeReader reader;

	private final EnvelopeDispatcher dispatcher;

	private final ApplicationEventPublisher events;

	private final InboundLimits limits;

	private final ConnectionRecovery recovery;

	private final InboundCounters counters = new InboundCounters();

	private final ConcurrentMap<String, Inbound> inbound = new ConcurrentHashMap<>();

	/**
	 * Create the endpoint handler.
	 * @param connections opens a client per session
	 * @param clients this node's clients
	 * @param reader reads frames
	 * @param dispatcher routes envelopes
	 * @param events publishes connect and disconnect events
	 * @param limits the size and rate limits
	 */
	public AmbiorixWebSocketHandler(ClientConnections connections, LocalClients clients, EnvelopeReader reader,
			EnvelopeDispatcher dispatcher, ApplicationEventPublisher events, InboundLimits limits) {
		this(connections, clients, reader, dispatcher, events, limits, ConnectionRecovery.NONE);
	}

	/**
	 * Create the endpoint handler with recovery of connections.
	 * @param connections opens a client per session
	 * @param clients this node's clients
	 * @param reader reads frames
	 * @param dispatcher routes envelopes
	 * @param events publishes connect and disconnect events
	 * @param limits the size and rate limits
	 * @param recovery answers a first frame that is an {@code ambiorix:hello}
	 */
	public AmbiorixWebSocketHandler(ClientConnections connections, LocalClients clients, EnvelopeReader reader,
			EnvelopeDispatcher dispatcher, ApplicationEventPublisher events, InboundLimits limits,
			ConnectionRecovery recovery) {
		this.recovery = recovery;
		this.connections = connections;
		this.clients = clients;
		this.reader = reader;
		this.dispatcher = dispatcher;
		this.events = events;
		this.limits = limits;
	}

	/**
	 * Return the counts of what arrived.
	 * @return the counters
	 */
	public InboundCounters counters() {
		return this.counters;
	}

	/**
	 * Return how many sessions the endpoint keeps state for; zero once all have closed.
	 * @return the count
	 */
	int sessionsTracked() {
		return this.inbound.size();
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		TomcatMessageBuffers.apply(session);
		ClientConnection client = this.connections.open(session);
		this.inbound.put(session.getId(), new Inbound(client, new FrameAssembler(this.limits.maxMessageBytes()),
				this.limits.newRateLimiter(), new AtomicBoolean(true)));
		publish(new ClientConnectedEvent(client));
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
		Inbound in = this.inbound.get(session.getId());
		// Nothing from a client that was dropped (too big, slow, idle) or closed runs a
		// handler, though the container may deliver frames until the close completes.
		if (in == null || !in.client.isOpen()) {
			return;
		}
		in.client.heard();
		try {
			if (message instanceof TextMessage text) {
				String whole = in.assembler.appendText(text.getPayload(), text.isLast());
				if (whole != null) {
					onText(in, whole);
				}
			}
			else if (message instanceof BinaryMessage binary) {
				if (in.assembler.appendBinary(binary.getPayloadLength(), binary.isLast())) {
					onBinary(in);
				}
			}
			else if (!(message instanceof PongMessage)) {
				logger.debug(LogMessage.format("Ignoring %s from client %s", message.getClass().getSimpleName(),
						in.client.id()));
			}
		}
		catch (FrameAssembler.TooBigException ex) {
			logger.debug(LogMessage.format("Closing client %s: %s", in.client.id(), ex.getMessage()));
			in.client.terminate(TOO_BIG.withReason("message too big"));
		}
	}

	private void onText(Inbound in, String text) {
		this.counters.countFrame();
		if (in.first.getAndSet(false) && this.recovery.firstFrame(in.client, text)) {
			return;
		}
		// Before the parse, so that a flood costs no parsing.
		if (!in.rateLimiter.tryAcquire()) {
			sendError(in, this.reader.unparsedError(ErrorCode.RATE_LIMITED, rateLimitedDetail(), text));
			return;
		}
		this.counters.countParsed();
		InboundFrame frame = this.reader.read(text);
		if (frame instanceof Envelope envelope) {
			this.dispatcher.dispatch(in.client, envelope);
		}
		else if (frame instanceof ProtocolError error) {
			sendError(in, error);
		}
		else if (frame == NotForUs.INSTANCE) {
			this.counters.countIgnored();
			in.client.monitor().ignored();
			logger.debug(
					LogMessage.format("Ignoring a frame without \"isAmbiorix\": true from client %s", in.client.id()));
		}
	}

	private void onBinary(Inbound in) {
		this.counters.countFrame();
		if (!in.rateLimiter.tryAcquire()) {
			sendError(in, ProtocolError.of(ErrorCode.RATE_LIMITED, rateLimitedDetail()));
			return;
		}
		sendError(in, ProtocolError.of(ErrorCode.UNSUPPORTED_FRAME,
				"binary frames are not supported; send envelopes as JSON text"));
	}

	private String rateLimitedDetail() {
		return "more than " + this.limits.ratePerSecond() + " frames per second; frame dropped";
	}

	private void sendError(Inbound in, ProtocolError error) {
		this.counters.countError(error.code());
		this.dispatcher.sendError(in.client, error);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug(LogMessage.format("Transport error on session %s", session.getId()), exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		Inbound in = this.inbound.remove(session.getId());
		if (in == null) {
			return;
		}
		in.client.terminate(status);
		this.clients.remove(in.client);
		in.client.monitor().closed(in.client, status);
		if (this.recovery.closed(in.client)) {
			return;
		}
		publish(new ClientDisconnectedEvent(in.client, status));
	}

	/**
	 * Assemble fragments ourselves, so that the size limit is ours, the same on every
	 * container, and memory is only held while a large message is arriving.
	 */
	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	private void publish(Object event) {
		try {
			this.events.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.error(LogMessage.format("A listener for %s failed", event.getClass().getSimpleName()), ex);
		}
	}

	/**
	 * What the endpoint keeps per session.
	 */
	private record Inbound(ClientConnection client, FrameAssembler assembler, RateLimiter rateLimiter,
			AtomicBoolean first) {
	}

}

package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeNames;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.protocol.ProtocolError;
import dev.ambiorix.spring.session.ClientConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;

/**
 * Routes a valid envelope to its handler and sends the sender what comes of it: the
 * reply, or an error envelope. Nothing a handler does escapes to the connection.
 */
public final class EnvelopeDispatcher {

	private static final Log logger = LogFactory.getLog(EnvelopeDispatcher.class);

	static final String HANDLER_FAILED = "the handler failed; see the server log";

	static final String FORBIDDEN = "access denied";

	private final HandlerRegistry registry;

	private final WebSocketClients clients;

	private final EnvelopeWriter writer;

	private final boolean includeExceptionMessage;

	private final InvocationScope scope;

	/**
	 * Create a dispatcher.
	 * @param registry the handlers
	 * @param clients all clients, for handlers that ask for them
	 * @param writer writes replies and errors
	 * @param includeExceptionMessage whether a handler exception's message reaches the
	 * client (it never does by default)
	 */
	public EnvelopeDispatcher(HandlerRegistry registry, WebSocketClients clients, EnvelopeWriter writer,
			boolean includeExceptionMessage) {
		this(registry, clients, writer, includeExceptionMessage, InvocationScope.NONE);
	}

	/**
	 * Create a dispatcher whose handler calls run in a scope.
	 * @param registry the handlers
	 * @param clients all clients, for handlers that ask for them
	 * @param writer writes replies and errors
	 * @param includeExceptionMessage whether a handler exception's message reaches the
	 * client (it never does by default)
	 * @param scope surrounds each handler call and the handling of its result
	 */
	public EnvelopeDispatcher(HandlerRegistry registry, WebSocketClients clients, EnvelopeWriter writer,
			boolean includeExceptionMessage, InvocationScope scope) {
		this.registry = registry;
		this.clients = clients;
		this.writer = writer;
		this.includeExceptionMessage = includeExceptionMessage;
		this.scope = scope;
	}

	/**
	 * Handle an envelope from a client.
	 * @param client the sender
	 * @param envelope the envelope
	 */
	public void dispatch(ClientConnection client, Envelope envelope) {
		if (EnvelopeNames.PING.equals(envelope.name())) {
			client.sendFrame(this.writer.write(EnvelopeNames.PONG, null, envelope.id()));
			return;
		}
		ReceiveHandler handler = this.registry.find(envelope.name());
		if (handler == null) {
			sendError(client,
					ProtocolError.about(ErrorCode.UNKNOWN_NAME, "no handler for '" + envelope.name() + "'", envelope));
			return;
		}
		try (InvocationScope.Entered entered = this.scope.enter(client)) {
			invoke(client, envelope, handler);
		}
	}

	private void invoke(ClientConnection client, Envelope envelope, ReceiveHandler handler) {
		Object result;
		try {
			result = client.monitor()
				.observe(handler.name(), envelope, () -> ReactorReplies
					.adapt(handler.invoke(new InvocationContext(client, this.clients, envelope))));
		}
		catch (InvalidMessageException ex) {
			sendError(client, ProtocolError.about(ErrorCode.INVALID_MESSAGE, ex.getDetail(), envelope));
			return;
		}
		catch (Throwable ex) {
			rethrowIfFatal(ex);
			handlerFailed(client, envelope, handler, ex);
			return;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				try (InvocationScope.Entered entered = this.scope.enter(client)) {
					if (ex != null) {
						handlerFailed(client, envelope, handler, unwrap(ex));
					}
					else {
						reply(client, envelope, handler, value);
					}
				}
			});
		}
		else {
			reply(client, envelope, handler, result);
		}
	}

	/**
	 * Send an error envelope to a client.
	 * @param client the client
	 * @param error the error
	 */
	public void sendError(ClientConnection client, ProtocolError error) {
		client.monitor().rejected(error.name(), error.code());
		client.sendFrame(this.writer.writeError(error));
	}

	private void reply(ClientConnection client, Envelope envelope, ReceiveHandler handler, @Nullable Object value) {
		if (value == null) {
			client.monitor().handled(envelope.name());
			return;
		}
		String frame;
		try {
			frame = this.writer.write(envelope.name(), value, envelope.id());
		}
		catch (RuntimeException ex) {
			handlerFailed(client, envelope, handler, ex);
			return;
		}
		client.sendFrame(frame);
		client.monitor().handled(envelope.name());
	}

	private void handlerFailed(ClientConnection client, Envelope envelope, ReceiveHandler handler, Throwable ex) {
		if (ex instanceof InvalidMessageException invalid) {
			sendError(client, ProtocolError.about(ErrorCode.INVALID_MESSAGE, invalid.getDetail(), envelope));
			return;
		}
		if (this.scope.isDenial(ex)) {
			logger.info(LogMessage.format("Denied %s to client %s: %s", handler, client.id(),
					ex.getClass().getSimpleName()));
			sendError(client, ProtocolError.about(ErrorCode.FORBIDDEN, FORBIDDEN, envelope));
			return;
		}
		logger.error(LogMessage.format("%s failed for client %s", handler, client.id()), ex);
		String message = ex.getMessage();
		String detail = (this.includeExceptionMessage && message != null) ? message : HANDLER_FAILED;
		sendError(client, ProtocolError.about(ErrorCode.HANDLER_ERROR, detail, envelope));
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private static void rethrowIfFatal(Throwable ex) {
		if (ex instanceof VirtualMachineError && !(ex instanceof StackOverflowError)) {
			throw (VirtualMachineError) ex;
		}
	}

}

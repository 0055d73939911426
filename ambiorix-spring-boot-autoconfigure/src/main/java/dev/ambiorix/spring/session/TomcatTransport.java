package dev.ambiorix.spring.session;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * Sends and closes through Tomcat's WebSocket implementation (or any other Jakarta
 * WebSocket container's) without making the caller wait.
 * <p>
 * Text goes through the standard asynchronous API. Tomcat's asynchronous ping is in fact
 * a blocking send, which waits for a client that has stopped reading, so pings take the
 * non-blocking path Tomcat itself uses for every frame of an asynchronous send; where
 * that path cannot be reached, the blocking ping runs on the small close pool instead. A
 * close writes a close frame and may wait for room in the socket: it runs on the close
 * pool, and the termination of a client with a send stuck in flight first cuts Tomcat's
 * wait for that frame to a millisecond, since the client would never take it.
 * <p>
 * Only referenced by {@link Transports} once the Jakarta WebSocket API is known to be
 * present.
 */
final class TomcatTransport implements Transport {

	/**
	 * Tomcat's bound on blocking writes (the close frame of a normal close, the pong that
	 * answers a client's ping), 20 s by default.
	 */
	static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	/**
	 * Tomcat's bound on the close frame of a close with any code but 1000, 50 ms by
	 * default.
	 */
	static final String ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";

	private static final Long STUCK_CLOSE_FRAME_WAIT_MILLIS = 1L;

	private static final Log logger = LogFactory.getLog(TomcatTransport.class);

	/**
	 * Whether idle clients' frames skip Tomcat's completion handoff
	 * ({@link TomcatDirectWrite}); the system property {@value #DIRECT_WRITE_PROPERTY}
	 * set to {@code false} turns that off.
	 */
	static final String DIRECT_WRITE_PROPERTY = "ambiorix.tomcat.direct-write";

	private static final boolean DIRECT_WRITE_ENABLED = !"false".equals(System.getProperty(DIRECT_WRITE_PROPERTY));

	private final WebSocketSession session;

	private final Session nativeSession;

	/** Tomcat's {@code WsRemoteEndpointImplBase} of the session, if it can be reached. */
	private final @Nullable Object tomcatEndpoint;

	/**
	 * Tomcat's frame writing without the handoff of a completion that happened within the
	 * write, where the connection allows it.
	 */
	private final @Nullable TomcatDirectWrite directWrite;

	private final Executor closer;

	/** Sends started and not yet reported: a close frame would queue behind them. */
	private final AtomicInteger sending = new AtomicInteger();

	private TomcatTransport(WebSocketSession session, Session nativeSession, Executor closer) {
		this.session = session;
		this.nativeSession = nativeSession;
		this.tomcatEndpoint = StartMessage.endpointOf(nativeSession);
		this.directWrite = directWrite(this.tomcatEndpoint, nativeSession);
		this.closer = closer;
	}

	private static @Nullable TomcatDirectWrite directWrite(@Nullable Object endpoint, Session session) {
		if (endpoint == null || !DIRECT_WRITE_ENABLED) {
			return null;
		}
		try {
			return TomcatDirectWrite.of(endpoint, session);
		}
		catch (LinkageError ex) {
			logger.debug("Tomcat's frame writing is not reachable; sends take Tomcat's usual path", ex);
			return null;
		}
	}

	/**
	 * Return a transport for a session of a Jakarta WebSocket container.
	 * @param session the Spring session
	 * @param nativeSession its Jakarta session
	 * @param limits the outbound limits, which bound how long a blocking write may take
	 * @param closer the small pool where closes, which may block, run
	 * @return the transport
	 */
	static Transport forSession(WebSocketSession session, Session nativeSession, OutboundLimits limits,
			Executor closer) {
		// Bounds Tomcat's blocking writes that remain: a normal close frame, on the close
		// pool, and the pong Tomcat sends itself when a client pings.
		nativeSession.getUserProperties()
			.put(BLOCKING_SEND_TIMEOUT, Math.min(limits.sendTimeLimit().toMillis(), 1000L));
		return new TomcatTransport(session, nativeSession, closer);
	}

	/**
	 * Start a text frame. Where Tomcat's non-blocking path for one frame can be reached,
	 * the frame goes out as the UTF-8 bytes {@link Utf8#bytes} encodes once per thread
	 * and frame, shared by every client a broadcast reaches from that thread, instead of
	 * Tomcat encoding the same text again for each client. On a connection that agreed to
	 * compression without server context takeover, the direct write sends the bytes
	 * {@link SharedDeflate} compresses once per message; a frame it does not take goes
	 * uncompressed to Tomcat's usual path, whose {@code PerMessageDeflate} compresses it.
	 */
	@Override
	public void sendText(String text, SendCallback callback) {
		Completion completion = track(callback);
		Object endpoint = this.tomcatEndpoint;
		TomcatDirectWrite directWrite = this.directWrite;
		try {
			if (directWrite != null && directWrite
				.send(directWrite.compressed() ? SharedDeflate.compress(text) : Utf8.bytes(text), completion)) {
				return;
			}
			if (endpoint != null) {
				StartMessage.start(endpoint, StartMessage.OPCODE_TEXT, ByteBuffer.wrap(Utf8.bytes(text)), completion);
			}
			else {
				this.nativeSession.getAsyncRemote().sendText(text, completion);
			}
		}
		catch (InvocationTargetException ex) {
			completion.completed((ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			completion.completed(ex);
		}
	}

	/**
	 * Start a ping without waiting for room in the socket: a ping to a client that has
	 * stopped reading stays in flight until the send time limit terminates the client, as
	 * a text frame would.
	 */
	@Override
	public void sendPing(SendCallback callback) {
		Completion completion = track(callback);
		Object endpoint = this.tomcatEndpoint;
		if (endpoint == null) {
			blockingPingOnCloser(completion);
			return;
		}
		try {
			StartMessage.start(endpoint, StartMessage.OPCODE_PING, Transports.emptyPayload(), completion);
		}
		catch (InvocationTargetException ex) {
			completion.completed((ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			completion.completed(ex);
		}
	}

	private Completion track(SendCallback callback) {
		this.sending.incrementAndGet();
		return new Completion((failure) -> {
			this.sending.decrementAndGet();
			callback.completed(failure);
		});
	}

	/**
	 * Whether text frames to an idle client skip Tomcat's completion handoff.
	 */
	@Override
	public boolean writesDirectly() {
		return this.directWrite != null;
	}

	/**
	 * Whether pings take Tomcat's non-blocking path rather than the fallback.
	 */
	boolean pingsWithoutBlocking() {
		return this.tomcatEndpoint != null;
	}

	private void blockingPingOnCloser(Completion completion) {
		try {
			this.closer.execute(() -> {
				@Nullable Throwable failure = null;
				try {
					this.nativeSession.getAsyncRemote().sendPing(Transports.emptyPayload());
				}
				catch (IOException | RuntimeException ex) {
					failure = ex;
				}
				completion.completed(failure);
			});
		}
		catch (RuntimeException ex) {
			completion.completed(ex);
		}
	}

	/**
	 * Close on the close pool: the close frame may wait for room in the socket, up to
	 * Tomcat's bounds.
	 */
	@Override
	public void close(CloseStatus status) {
		closeOn(this.closer, status);
	}

	/**
	 * Close at once on the close pool. Behind a send still in flight, which is what a
	 * client that has stopped reading has, the close frame could never go out: Tomcat
	 * then gives it a millisecond instead of its 50 ms before it drops the connection,
	 * and the endpoint still hears the status. A client with nothing in flight (a message
	 * too big, shutdown) gets its close frame as usual.
	 */
	@Override
	public void terminate(CloseStatus status, Executor executor) {
		if (this.sending.get() > 0) {
			Map<String, Object> properties = this.nativeSession.getUserProperties();
			properties.put(ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT, STUCK_CLOSE_FRAME_WAIT_MILLIS);
			properties.put(BLOCKING_SEND_TIMEOUT, STUCK_CLOSE_FRAME_WAIT_MILLIS);
		}
		closeOn(executor, status);
	}

	private void closeOn(Executor executor, CloseStatus status) {
		try {
			executor.execute(() -> Transports.closeQuietly(this.session, status));
		}
		catch (RuntimeException ex) {
			// The pool is shut down: the application is stopping, so close here.
			Transports.closeQuietly(this.session, status);
		}
	}

	/**
	 * Reports one send exactly once: Tomcat may report a send both from the write that
	 * failed and from the close that the failure caused.
	 */
	static final class Completion extends ExactlyOnceCallback implements SendHandler {

		Completion(SendCallback callback) {
			super(callback);
		}

		@Override
		public void onResult(SendResult result) {
			Throwable failure = result.getException();
			completed(result.isOK() ? null : (failure != null) ? failure : new IOException("send failed"));
		}

	}

	/**
	 * Tomcat's non-blocking path for one frame,
	 * {@code WsRemoteEndpointImplBase.startMessage}, which its asynchronous text and
	 * binary sends use and its ping does not. Looked up once; where it is missing or
	 * closed to reflection, text goes through the standard asynchronous send and pings
	 * fall back to the blocking ping.
	 * <p>
	 * Text sent this way never passes through Tomcat's 8 KB text encoder buffer, so each
	 * session's is replaced by a small one as the transport is made: anything that still
	 * sends text through Tomcat's own API on the session (nothing in the starter does)
	 * gets it written in fragments of that size.
	 */
	private static final class StartMessage {

		static final byte OPCODE_TEXT = 0x1;

		static final byte OPCODE_PING = 0x9;

		/** Enough for any one character in UTF-8, as Tomcat's encoder loop needs. */
		private static final int ENCODER_BUFFER_SIZE = 64;

		private static final @Nullable Field REMOTE_ENDPOINT;

		private static final @Nullable Method START_MESSAGE;

		private static final @Nullable Field ENCODER_BUFFER;

		static {
			Field remoteEndpoint = null;
			Method startMessage = null;
			Field encoderBuffer = null;
			try {
				ClassLoader classLoader = StartMessage.class.getClassLoader();
				Class<?> wsSession = Class.forName("org.apache.tomcat.websocket.WsSession", false, classLoader);
				Class<?> endpoint = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase", false,
						classLoader);
				remoteEndpoint = wsSession.getDeclaredField("wsRemoteEndpoint");
				startMessage = endpoint.getDeclaredMethod("startMessage", byte.class, ByteBuffer.class, boolean.class,
						SendHandler.class);
				remoteEndpoint.setAccessible(true);
				startMessage.setAccessible(true);
				encoderBuffer = encoderBuffer(endpoint);
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Tomcat's non-blocking frame path is not reachable; pings block on the close pool", ex);
				remoteEndpoint = null;
				startMessage = null;
			}
			REMOTE_ENDPOINT = remoteEndpoint;
			START_MESSAGE = startMessage;
			ENCODER_BUFFER = encoderBuffer;
		}

		private StartMessage() {
		}

		private static @Nullable Field encoderBuffer(Class<?> endpoint) {
			try {
				Field field = endpoint.getDeclaredField("encoderBuffer");
				if (field.getType() != ByteBuffer.class) {
					return null;
				}
				field.setAccessible(true);
				return field;
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return null;
			}
		}

		static @Nullable Object endpointOf(Session session) {
			Field field = REMOTE_ENDPOINT;
			if (field == null || START_MESSAGE == null || !field.getDeclaringClass().isInstance(session)) {
				return null;
			}
			try {
				Object endpoint = field.get(session);
				if (endpoint != null) {
					shrinkEncoderBuffer(endpoint);
				}
				return endpoint;
			}
			catch (IllegalAccessException | RuntimeException ex) {
				logger.debug(LogMessage.format("Tomcat's endpoint of session %s is not reachable", session.getId()),
						ex);
				return null;
			}
		}

		private static void shrinkEncoderBuffer(Object endpoint) {
			Field field = ENCODER_BUFFER;
			if (field == null) {
				return;
			}
			try {
				ByteBuffer buffer = (ByteBuffer) field.get(endpoint);
				if (buffer.capacity() > ENCODER_BUFFER_SIZE && buffer.position() == 0) {
					field.set(endpoint, ByteBuffer.allocate(ENCODER_BUFFER_SIZE));
				}
			}
			catch (IllegalAccessException | RuntimeException ex) {
				logger.debug("Tomcat's text encoder buffer keeps its size", ex);
			}
		}

		static void start(Object endpoint, byte opcode, ByteBuffer payload, SendHandler handler)
				throws ReflectiveOperationException {
			Method method = START_MESSAGE;
			if (method == null) {
				throw new IllegalStateException("Tomcat's non-blocking send is not reachable");
			}
			method.invoke(endpoint, opcode, payload, true, handler);
		}

	}

}

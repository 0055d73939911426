package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.util.ClassUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * Sends and closes through Jetty 12's own asynchronous WebSocket API, which Spring uses
 * on Jetty: nothing blocks, and a send that completes at once reports so on the calling
 * thread, so a client with room in its socket costs no thread handoff. Text frames go
 * through Jetty's core session instead when it is there ({@link JettySharedText}), with
 * the UTF-8 bytes a broadcast encodes once for all its clients.
 * <p>
 * Only referenced by {@link Transports} once Jetty's API is known to be present.
 */
final class JettyTransport implements Transport {

	private static final Log logger = LogFactory.getLog(JettyTransport.class);

	private static final boolean CORE_PRESENT = ClassUtils
		.isPresent("org.eclipse.jetty.websocket.core.WebSocketCoreSession", JettyTransport.class.getClassLoader());

	private final Session session;

	private final Duration closeTimeout;

	/**
	 * Set when the session is on Jetty's core session: text frames then go out with the
	 * UTF-8 bytes every connection shares (compressed once per message on a connection
	 * that agreed to compression without server context takeover), not encoded once per
	 * connection by Jetty's API.
	 */
	private final @Nullable JettySharedText sharedText;

	private JettyTransport(Session session, Duration closeTimeout) {
		this.session = session;
		this.closeTimeout = closeTimeout;
		this.sharedText = CORE_PRESENT ? JettySharedText.forSession(session) : null;
	}

	/**
	 * Return a transport for a session whose native session is Jetty's, and make the
	 * endpoint's limits mean on that connection what they mean on Tomcat.
	 * <p>
	 * On Jetty, Spring receives each text message whole, and Jetty closes a message over
	 * its own limit (64 KiB unless configured) with 1009 before the endpoint sees it; and
	 * Jetty drops a connection after 30 s without traffic, whatever
	 * {@code ambiorix.websocket.idle-timeout} and the ping interval say. Set on each of
	 * the endpoint's connections as it opens, so that other WebSocket endpoints of the
	 * application keep Jetty's settings.
	 * @param session the Spring session
	 * @param limits the outbound limits, which bound how long a close may take
	 * @param maxMessageBytes the endpoint's largest message
	 * @return the transport, or {@code null} for a session of another container
	 */
	static @Nullable Transport forSession(WebSocketSession session, OutboundLimits limits, long maxMessageBytes) {
		Session nativeSession = (session instanceof NativeWebSocketSession adapter)
				? adapter.getNativeSession(Session.class) : null;
		if (nativeSession == null) {
			return null;
		}
		nativeSession.setMaxTextMessageSize(maxMessageBytes);
		// Binary messages get an error envelope, not 1009, up to the same limit.
		nativeSession.setMaxBinaryMessageSize(maxMessageBytes);
		// The client supervisor owns idleness: pings, and the idle timeout.
		nativeSession.setIdleTimeout(Duration.ZERO);
		Duration sendTimeLimit = limits.sendTimeLimit();
		Duration second = Duration.ofSeconds(1);
		return new JettyTransport(nativeSession, (sendTimeLimit.compareTo(second) < 0) ? sendTimeLimit : second);
	}

	@Override
	public void sendText(String text, SendCallback callback) {
		Completion completion = new Completion(callback);
		try {
			JettySharedText shared = this.sharedText;
			if (shared != null) {
				shared.sendText(text, completion);
			}
			else {
				this.session.sendText(text, completion);
			}
		}
		catch (RuntimeException ex) {
			completion.fail(ex);
		}
	}

	@Override
	public void sendPing(SendCallback callback) {
		Completion completion = new Completion(callback);
		try {
			this.session.sendPing(Transports.emptyPayload(), completion);
		}
		catch (RuntimeException ex) {
			completion.fail(ex);
		}
	}

	/**
	 * Start the close handshake and return. A client that has stopped reading never takes
	 * the close frame, which waits behind the data it did not read: after
	 * {@link #closeTimeout} without progress Jetty's idle timeout drops the connection,
	 * and a close frame that fails to go out drops it at once. Either way no thread
	 * waits.
	 */
	@Override
	public void close(CloseStatus status) {
		try {
			if (!this.session.isOpen()) {
				return;
			}
			this.session.close(status.getCode(), status.getReason(), Callback.from(() -> {
			}, (failure) -> disconnect(failure)));
			// Only once our close frame is queued: an idle timeout already due would
			// otherwise send a close of its own (1001) ahead of ours.
			this.session.setIdleTimeout(this.closeTimeout);
		}
		catch (RuntimeException ex) {
			disconnect(ex);
		}
	}

	private void disconnect(Throwable failure) {
		logger.debug(LogMessage.format("Close of Jetty session %s failed; disconnecting", this.session), failure);
		try {
			this.session.disconnect();
		}
		catch (RuntimeException ex) {
			logger.debug("Disconnecting failed", ex);
		}
	}

	/**
	 * Closing never blocks here, so there is no need to hand it to the executor.
	 */
	@Override
	public void terminate(CloseStatus status, Executor executor) {
		close(status);
	}

	/**
	 * Return whether text frames go out with shared UTF-8 bytes through Jetty's core
	 * session rather than through Jetty's API.
	 * @return {@code true} on Jetty's core session
	 */
	boolean sharesBytes() {
		return this.sharedText != null;
	}

	/**
	 * Return whether text frames may go straight into the socket while Jetty's flusher is
	 * idle ({@link JettyDirectWrite}).
	 * @return {@code true} with a direct write
	 */
	@Override
	public boolean writesDirectly() {
		JettySharedText shared = this.sharedText;
		return shared != null && shared.writesDirectly();
	}

	/**
	 * Reports one send exactly once, whether Jetty completes it or the call throws. It is
	 * the callback of Jetty's API and of its core alike, so that a send wraps it in no
	 * other object.
	 */
	private static final class Completion extends ExactlyOnceCallback
			implements Callback, org.eclipse.jetty.util.Callback {

		Completion(SendCallback callback) {
			super(callback);
		}

		@Override
		public void succeed() {
			completed(null);
		}

		@Override
		public void fail(Throwable failure) {
			completed(failure);
		}

		@Override
		public void succeeded() {
			completed(null);
		}

		@Override
		public void failed(Throwable failure) {
			completed(failure);
		}

	}

}

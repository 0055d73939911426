package dev.ambiorix.spring.session;

import java.io.IOException;
import java.util.concurrent.Executor;

import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;
import org.springframework.util.ClassUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * Picks the best {@link Transport} for a session: {@link TomcatTransport} where the
 * container offers the Jakarta WebSocket API (Tomcat), Jetty's own asynchronous API on
 * Jetty, else blocking sends run on an executor.
 */
final class Transports {

	private static final Log logger = LogFactory.getLog(Transports.class);

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			Transports.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.api.Session",
			Transports.class.getClassLoader());

	private Transports() {
	}

	/**
	 * Return the transport for a session.
	 * @param session the session
	 * @param limits the outbound limits
	 * @param blockingSendExecutor where sends run on a container without asynchronous
	 * ones
	 * @param closer the small pool where closes that may block run
	 * @return the transport
	 */
	static Transport forSession(WebSocketSession session, OutboundLimits limits, Executor blockingSendExecutor,
			Executor closer) {
		Session nativeSession = (JAKARTA_PRESENT && session instanceof StandardWebSocketSession standard)
				? standard.getNativeSession(Session.class) : null;
		if (nativeSession != null) {
			return TomcatTransport.forSession(session, nativeSession, limits, closer);
		}
		Transport jetty = JETTY_PRESENT ? JettyTransport.forSession(session, limits) : null;
		if (jetty != null) {
			return jetty;
		}
		return new BlockingTransport(session, blockingSendExecutor);
	}

	static void closeQuietly(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug(LogMessage.format("Closing session %s failed", session.getId()), ex);
		}
	}

	/**
	 * Blocking sends, each run on an executor so that the caller never waits.
	 */
	private record BlockingTransport(WebSocketSession session, Executor executor) implements Transport {

		@Override
		public void sendText(String text, SendCallback callback) {
			send(new TextMessage(text), callback);
		}

		@Override
		public void sendPing(SendCallback callback) {
			send(new PingMessage(), callback);
		}

		private void send(org.springframework.web.socket.WebSocketMessage<?> message, SendCallback callback) {
			try {
				this.executor.execute(() -> {
					@Nullable Throwable failure = null;
					try {
						this.session.sendMessage(message);
					}
					catch (IOException | RuntimeException ex) {
						failure = ex;
					}
					callback.completed(failure);
				});
			}
			catch (RuntimeException ex) {
				callback.completed(ex);
			}
		}

		@Override
		public void close(CloseStatus status) {
			closeQuietly(this.session, status);
		}

		/**
		 * A blocking close without a bound of its own stays off the small close pool.
		 */
		@Override
		public void terminate(CloseStatus status, Executor executor) {
			this.executor.execute(() -> close(status));
		}

	}

}

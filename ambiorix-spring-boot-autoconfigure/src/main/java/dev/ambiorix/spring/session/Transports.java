package dev.ambiorix.spring.session;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Picks the best {@link Transport} for a session: the Jakarta WebSocket asynchronous API
 * where the container offers it (Tomcat), Jetty's own asynchronous API on Jetty, else
 * blocking sends run on an executor.
 */
final class Transports {

	private static final Log logger = LogFactory.getLog(Transports.class);

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			Transports.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.api.Session",
			Transports.class.getClassLoader());

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private Transports() {
	}

	/**
	 * Tomcat's own bound on blocking writes (pings and close frames), 20 s by default.
	 */
	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	static Transport forSession(WebSocketSession session, OutboundLimits limits, Executor blockingSendExecutor) {
		Session nativeSession = (JAKARTA_PRESENT && session instanceof StandardWebSocketSession standard)
				? standard.getNativeSession(Session.class) : null;
		if (nativeSession != null) {
			// A ping or close frame to a client that stopped reading must not hold a
			// thread for long.
			nativeSession.getUserProperties()
				.put(TOMCAT_BLOCKING_SEND_TIMEOUT, Math.min(limits.sendTimeLimit().toMillis(), 1000L));
			return new JakartaAsyncTransport(session, nativeSession);
		}
		Transport jetty = JETTY_PRESENT ? JettyTransport.forSession(session, limits) : null;
		if (jetty != null) {
			return jetty;
		}
		return new BlockingTransport(session, blockingSendExecutor);
	}

	private static void closeQuietly(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug(LogMessage.format("Closing session %s failed", session.getId()), ex);
		}
	}

	/**
	 * Non-blocking sends through {@code RemoteEndpoint.Async}.
	 */
	private record JakartaAsyncTransport(WebSocketSession session, Session nativeSession) implements Transport {

		@Override
		public void sendText(String text, SendCallback callback) {
			try {
				this.nativeSession.getAsyncRemote()
					.sendText(text, (result) -> callback.completed(result.isOK() ? null : failure(result)));
			}
			catch (RuntimeException ex) {
				callback.completed(ex);
			}
		}

		private static Throwable failure(jakarta.websocket.SendResult result) {
			Throwable ex = result.getException();
			return (ex != null) ? ex : new IOException("send failed");
		}

		@Override
		public void sendPing(SendCallback callback) {
			// Only sent while nothing else is in flight, so it does not wait behind data.
			@Nullable Throwable failure = null;
			try {
				this.nativeSession.getAsyncRemote().sendPing(EMPTY.duplicate());
			}
			catch (IOException | RuntimeException ex) {
				failure = ex;
			}
			callback.completed(failure);
		}

		@Override
		public void close(CloseStatus status) {
			closeQuietly(this.session, status);
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

	}

}

package dev.ambiorix.spring.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.util.ClassUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * Picks the best {@link Transport} for a session: {@link TomcatTransport} where the
 * container offers the Jakarta WebSocket API (Tomcat), Jetty's own asynchronous API on
 * Jetty. Those are the servlet containers Spring Boot supports; on any other the
 * connection is refused.
 */
final class Transports {

	private static final Log logger = LogFactory.getLog(Transports.class);

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			Transports.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.api.Session",
			Transports.class.getClassLoader());

	/** The payload of our pings, shared: each send takes a duplicate of it. */
	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private Transports() {
	}

	static ByteBuffer emptyPayload() {
		return EMPTY.duplicate();
	}

	/**
	 * Return the transport for a session.
	 * @param session the session
	 * @param limits the outbound limits
	 * @param closer the small pool where closes that may block run
	 * @param maxMessageBytes the endpoint's largest message, which Jetty must let through
	 * @return the transport
	 */
	static Transport forSession(WebSocketSession session, OutboundLimits limits, Executor closer,
			long maxMessageBytes) {
		Session nativeSession = (JAKARTA_PRESENT && session instanceof StandardWebSocketSession standard)
				? standard.getNativeSession(Session.class) : null;
		if (nativeSession != null) {
			return TomcatTransport.forSession(session, nativeSession, limits, closer);
		}
		Transport jetty = JETTY_PRESENT ? JettyTransport.forSession(session, limits, maxMessageBytes) : null;
		if (jetty != null) {
			return jetty;
		}
		throw new IllegalStateException("No asynchronous transport for " + session.getClass().getName()
				+ ": the endpoint runs on Tomcat or Jetty, as Spring Boot's servlet stack does");
	}

	static void closeQuietly(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug(LogMessage.format("Closing session %s failed", session.getId()), ex);
		}
	}

}

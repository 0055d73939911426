package dev.ambiorix.spring.endpoint;

import java.time.Duration;

import org.eclipse.jetty.websocket.api.Session;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Makes the endpoint's properties mean on Jetty what they mean on Tomcat, for the
 * endpoint's own connections only.
 * <p>
 * On Jetty, Spring receives each text message whole, and Jetty closes a message over its
 * own limit (64 KiB unless configured) with 1009 before the endpoint sees it, so a larger
 * {@code ambiorix.websocket.max-text-message-size} would not take effect; and Jetty drops
 * a connection after 30 s without traffic, whatever
 * {@code ambiorix.websocket.idle-timeout} and the ping interval say. Tomcat hands the
 * endpoint parts of messages and has no idle timeout of its own, so the endpoint's limits
 * are the only ones there. Set per connection when it opens, so that other WebSocket
 * endpoints of the application keep Jetty's settings.
 */
final class JettyConnectionSettings {

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.api.Session",
			JettyConnectionSettings.class.getClassLoader());

	private JettyConnectionSettings() {
	}

	/**
	 * Apply the endpoint's settings to a connection, if it is a Jetty one.
	 * @param session a connection the endpoint has just accepted
	 * @param maxMessageBytes the endpoint's largest message
	 */
	static void apply(WebSocketSession session, long maxMessageBytes) {
		if (JETTY_PRESENT && session instanceof NativeWebSocketSession adapter) {
			Jetty.configure(adapter, maxMessageBytes);
		}
	}

	/**
	 * Holds every reference to Jetty's types, so that nothing of Jetty's is loaded where
	 * Jetty is absent.
	 */
	private static final class Jetty {

		static void configure(NativeWebSocketSession adapter, long maxMessageBytes) {
			Session session = adapter.getNativeSession(Session.class);
			if (session == null) {
				return;
			}
			session.setMaxTextMessageSize(maxMessageBytes);
			// Binary messages get an error envelope, not 1009, up to the same limit.
			session.setMaxBinaryMessageSize(maxMessageBytes);
			// The client supervisor owns idleness: pings, and the idle timeout.
			session.setIdleTimeout(Duration.ZERO);
		}

	}

}

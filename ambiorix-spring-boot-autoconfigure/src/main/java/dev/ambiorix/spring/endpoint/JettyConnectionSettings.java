package dev.ambiorix.spring.endpoint;

import java.time.Duration;

import org.springframework.web.socket.server.RequestUpgradeStrategy;
import org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy;
import org.springframework.web.socket.server.support.AbstractHandshakeHandler;

/**
 * Makes the endpoint's properties mean on Jetty what they mean on Tomcat.
 * <p>
 * On Jetty, Spring receives each text message whole, and Jetty closes a message over its
 * own limit (64 KiB unless configured) with 1009 before the endpoint sees it, so a larger
 * {@code ambiorix.websocket.max-text-message-size} would not take effect; and Jetty drops
 * a connection after 30 s without traffic, whatever
 * {@code ambiorix.websocket.idle-timeout} and the ping interval say. Tomcat hands the
 * endpoint parts of messages and has no idle timeout of its own, so the endpoint's limits
 * are the only ones there.
 */
public final class JettyConnectionSettings {

	private static final String JETTY_STRATEGY = "org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy";

	private JettyConnectionSettings() {
	}

	/**
	 * Apply the endpoint's settings to the connections this handshake handler upgrades,
	 * if it upgrades them on Jetty.
	 * @param handshakeHandler the endpoint's handshake handler
	 * @param maxMessageBytes the endpoint's largest message
	 */
	public static void apply(AbstractHandshakeHandler handshakeHandler, long maxMessageBytes) {
		RequestUpgradeStrategy strategy = handshakeHandler.getRequestUpgradeStrategy();
		// By name, so that nothing of Jetty's is loaded where Jetty is absent.
		if (strategy.getClass().getName().equals(JETTY_STRATEGY)) {
			Jetty.configure(strategy, maxMessageBytes);
		}
	}

	private static final class Jetty {

		static void configure(RequestUpgradeStrategy strategy, long maxMessageBytes) {
			((JettyRequestUpgradeStrategy) strategy).addWebSocketConfigurer((session) -> {
				if (session.getMaxTextMessageSize() < maxMessageBytes) {
					session.setMaxTextMessageSize(maxMessageBytes);
				}
				// Binary messages get an error envelope, not 1009, up to the same limit.
				if (session.getMaxBinaryMessageSize() < maxMessageBytes) {
					session.setMaxBinaryMessageSize(maxMessageBytes);
				}
				// The client supervisor owns idleness: pings, and the idle timeout.
				session.setIdleTimeout(Duration.ZERO);
			});
		}

	}

}

package dev.ambiorix.spring.endpoint;

import java.util.Locale;

import jakarta.servlet.ServletContext;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Picks the handshake handler for the server that actually runs.
 * <p>
 * Spring's {@link DefaultHandshakeHandler} upgrades through Jetty whenever Jetty's
 * WebSocket server is on the classpath. An application with both containers on its
 * classpath that starts Tomcat would then fail every upgrade; there the standard Jakarta
 * upgrade, which Tomcat supports, is used instead.
 */
public final class UpgradeStrategies {

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent(
			"org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer",
			UpgradeStrategies.class.getClassLoader());

	private UpgradeStrategies() {
	}

	/**
	 * Return a handshake handler that upgrades on the server of this servlet context,
	 * with the containers' own negotiation of compression.
	 * @param servletContext the running server's servlet context, if known
	 * @return the handshake handler
	 */
	public static DefaultHandshakeHandler handshakeHandlerFor(@Nullable ServletContext servletContext) {
		if (JETTY_PRESENT && servletContext != null && !runsOnJetty(servletContext)) {
			return new DefaultHandshakeHandler(new StandardWebSocketUpgradeStrategy());
		}
		return new DefaultHandshakeHandler();
	}

	/**
	 * Return a handshake handler that upgrades on the server of this servlet context and
	 * answers an offer of {@code permessage-deflate} as configured.
	 * @param servletContext the running server's servlet context, if known
	 * @param compression what to answer a client that offers compression
	 * @return the handshake handler
	 */
	public static DefaultHandshakeHandler handshakeHandlerFor(@Nullable ServletContext servletContext,
			Compression compression) {
		if (compression == Compression.CONTEXT_TAKEOVER) {
			// What both containers do when a client offers compression.
			return handshakeHandlerFor(servletContext);
		}
		if (JETTY_PRESENT && (servletContext == null || runsOnJetty(servletContext))) {
			return jettyHandshakeHandler(compression);
		}
		return new DefaultHandshakeHandler(new TomcatCompressionUpgradeStrategy(compression));
	}

	/**
	 * Only called once Jetty's upgrade is known to be present.
	 */
	private static DefaultHandshakeHandler jettyHandshakeHandler(Compression compression) {
		return new DefaultHandshakeHandler(new JettyCompressionUpgradeStrategy(compression));
	}

	private static boolean runsOnJetty(ServletContext servletContext) {
		String serverInfo = servletContext.getServerInfo();
		return serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).startsWith("jetty");
	}

}

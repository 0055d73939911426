package dev.ambiorix.spring.endpoint;

import java.lang.reflect.UndeclaredThrowableException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketCreator;
import org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.ExtensionConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.util.Assert;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketSession;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

/**
 * Jetty 12's upgrade, as Spring's {@code JettyRequestUpgradeStrategy} does it, with the
 * endpoint's choice of compression.
 * <p>
 * Jetty negotiates the client's offers against its extension registry, and Spring's
 * upgrade leaves that to it. Here the creator, which Jetty calls for each upgrade before
 * it answers, sets that upgrade's accepted extensions: without
 * {@code permessage-deflate}, or with it and no context takeover, which Jetty's
 * {@code PerMessageDeflateExtension} then honours. The application's other endpoints keep
 * Jetty's negotiation.
 * <p>
 * Only referenced by {@link UpgradeStrategies} once Jetty's upgrade is known to be
 * present.
 */
final class JettyCompressionUpgradeStrategy implements RequestUpgradeStrategy {

	private static final String[] SUPPORTED_VERSIONS = { "13" };

	private final Compression compression;

	JettyCompressionUpgradeStrategy(Compression compression) {
		this.compression = compression;
	}

	@Override
	public String[] getSupportedVersions() {
		return SUPPORTED_VERSIONS;
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		// Jetty negotiates extensions itself, in the creator below.
		return List.of();
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		Assert.isInstanceOf(ServletServerHttpRequest.class, request, "ServletServerHttpRequest required");
		Assert.isInstanceOf(ServletServerHttpResponse.class, response, "ServletServerHttpResponse required");
		HttpServletRequest servletRequest = ((ServletServerHttpRequest) request).getServletRequest();
		HttpServletResponse servletResponse = ((ServletServerHttpResponse) response).getServletResponse();
		JettyWebSocketSession session = new JettyWebSocketSession(attributes, user);
		JettyWebSocketHandlerAdapter adapter = new JettyWebSocketHandlerAdapter(handler, session);
		JettyWebSocketCreator creator = (upgradeRequest, upgradeResponse) -> {
			if (selectedProtocol != null) {
				upgradeResponse.setAcceptedSubProtocol(selectedProtocol);
			}
			upgradeResponse.setExtensions(negotiate(upgradeResponse.getExtensions()));
			return adapter;
		};
		try {
			JettyWebSocketServerContainer.getContainer(servletRequest.getServletContext())
				.upgrade(creator, servletRequest, servletResponse);
		}
		catch (UndeclaredThrowableException ex) {
			throw new HandshakeFailureException("Failed to upgrade", ex.getUndeclaredThrowable());
		}
		catch (Exception ex) {
			throw new HandshakeFailureException("Failed to upgrade", ex);
		}
	}

	/**
	 * The extensions Jetty would accept, with {@code permessage-deflate} as configured.
	 */
	private List<ExtensionConfig> negotiate(List<ExtensionConfig> accepted) {
		List<ExtensionConfig> result = new ArrayList<>();
		for (ExtensionConfig config : accepted) {
			if (!Compression.PERMESSAGE_DEFLATE.equals(config.getName())) {
				result.add(config);
			}
			else if (this.compression == Compression.NO_CONTEXT_TAKEOVER) {
				result.add(ExtensionConfig.parse(Compression.PERMESSAGE_DEFLATE + "; "
						+ Compression.SERVER_NO_CONTEXT_TAKEOVER + "; " + Compression.CLIENT_NO_CONTEXT_TAKEOVER));
			}
			else if (this.compression == Compression.CONTEXT_TAKEOVER) {
				result.add(config);
			}
		}
		return result;
	}

}

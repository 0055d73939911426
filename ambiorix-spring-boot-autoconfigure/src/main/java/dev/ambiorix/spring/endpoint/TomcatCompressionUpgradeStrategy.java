package dev.ambiorix.spring.endpoint;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.adapter.standard.WebSocketToStandardExtensionAdapter;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.ServerEndpointRegistration;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * The standard Jakarta upgrade (Tomcat's), with the endpoint's choice of compression.
 * <p>
 * Tomcat negotiates extensions itself: it adds every extension it has installed to what
 * Spring selected, and asks the endpoint configuration's configurator which of the
 * client's offers to accept ({@code Configurator.getNegotiatedExtensions}, called from
 * {@code UpgradeUtil.doUpgrade}). Spring builds that configuration inside its upgrade, so
 * this upgrade is Spring's with one change: the configurator drops
 * {@code permessage-deflate}, or adds the no-context-takeover parameters to it, which
 * Tomcat's {@code PerMessageDeflate} then honours and echoes in its response. Only
 * connections upgraded here are affected; the application's other endpoints keep Tomcat's
 * negotiation.
 */
final class TomcatCompressionUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

	private final Compression compression;

	TomcatCompressionUpgradeStrategy(Compression compression) {
		this.compression = compression;
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		HttpHeaders headers = HttpHeaders.copyOf(request.getHeaders());
		StandardWebSocketSession session = new StandardWebSocketSession(headers, attributes, address(request, true),
				address(request, false), user);
		StandardWebSocketHandlerAdapter endpoint = new StandardWebSocketHandlerAdapter(wsHandler, session);
		List<Extension> extensions = new ArrayList<>();
		for (WebSocketExtension extension : selectedExtensions) {
			extensions.add(new WebSocketToStandardExtensionAdapter(extension));
		}
		HttpServletRequest servletRequest = getHttpServletRequest(request);
		HttpServletResponse servletResponse = getHttpServletResponse(response);
		Registration registration = new Registration(servletRequest.getRequestURI(), endpoint, this.compression);
		registration.setSubprotocols(
				(selectedProtocol != null) ? Collections.singletonList(selectedProtocol) : Collections.emptyList());
		registration.setExtensions(extensions);
		try {
			getContainer(servletRequest).upgradeHttpToWebSocket(servletRequest, servletResponse, registration,
					Collections.emptyMap());
		}
		catch (Exception ex) {
			throw new HandshakeFailureException(
					"Servlet request failed to upgrade to WebSocket: " + servletRequest.getRequestURL(), ex);
		}
	}

	private static @Nullable InetSocketAddress address(ServerHttpRequest request, boolean local) {
		try {
			return local ? request.getLocalAddress() : request.getRemoteAddress();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Spring's endpoint configuration, which is its own configurator, with the endpoint's
	 * answer to {@code permessage-deflate}.
	 */
	private static final class Registration extends ServerEndpointRegistration {

		private final Compression compression;

		Registration(String path, Endpoint endpoint, Compression compression) {
			super(path, endpoint);
			this.compression = compression;
		}

		@Override
		public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
			List<Extension> negotiated = super.getNegotiatedExtensions(installed, requested);
			List<Extension> result = new ArrayList<>();
			for (Extension extension : negotiated) {
				if (!Compression.PERMESSAGE_DEFLATE.equals(extension.getName())) {
					result.add(extension);
				}
				else if (this.compression == Compression.NO_CONTEXT_TAKEOVER) {
					result.add(withoutContextTakeover(extension));
				}
				else if (this.compression == Compression.CONTEXT_TAKEOVER) {
					result.add(extension);
				}
			}
			return result;
		}

		private static Extension withoutContextTakeover(Extension offer) {
			List<Extension.Parameter> parameters = new ArrayList<>();
			for (Extension.Parameter parameter : offer.getParameters()) {
				if (!Compression.SERVER_NO_CONTEXT_TAKEOVER.equals(parameter.getName())
						&& !Compression.CLIENT_NO_CONTEXT_TAKEOVER.equals(parameter.getName())) {
					parameters.add(parameter);
				}
			}
			parameters.add(new Parameter(Compression.SERVER_NO_CONTEXT_TAKEOVER));
			parameters.add(new Parameter(Compression.CLIENT_NO_CONTEXT_TAKEOVER));
			return new NegotiatedExtension(offer.getName(), List.copyOf(parameters));
		}

	}

	/**
	 * An accepted offer.
	 */
	private record NegotiatedExtension(String name, List<Extension.Parameter> parameters) implements Extension {

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public List<Extension.Parameter> getParameters() {
			return this.parameters;
		}

	}

	/**
	 * A parameter without a value.
	 */
	private record Parameter(String name) implements Extension.Parameter {

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public @Nullable String getValue() {
			return null;
		}

	}

}

package dev.ambiorix.spring.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * Finds the bearer token of a request where a browser's {@code WebSocket} can put it: in
 * {@code Sec-WebSocket-Protocol} as the subprotocol {@code ambiorix.bearer.<token>}, or,
 * where the application enables it, in the {@code access_token} query parameter of an
 * upgrade (taken out of the request by {@link BearerTokenQueryParameterFilter}). Every
 * other request resolves as with Spring Security's default: the {@code Authorization}
 * header.
 */
final class WebSocketBearerTokenResolver implements BearerTokenResolver {

	/** The subprotocol the server selects, and so echoes, when a client offers it. */
	static final String PROTOCOL = "ambiorix";

	/** The prefix of the subprotocol that carries the token. */
	static final String TOKEN_PROTOCOL_PREFIX = "ambiorix.bearer.";

	private final BearerTokenResolver headers = new DefaultBearerTokenResolver();

	private final boolean queryParameter;

	WebSocketBearerTokenResolver(boolean queryParameter) {
		this.queryParameter = queryParameter;
	}

	@Override
	public @Nullable String resolve(HttpServletRequest request) {
		List<String> tokens = new ArrayList<>(1);
		String header = this.headers.resolve(request);
		if (header != null) {
			tokens.add(header);
		}
		if (BearerTokenQueryParameterFilter.isUpgrade(request)) {
			String protocol = fromProtocols(request);
			if (protocol != null) {
				tokens.add(protocol);
			}
			if (this.queryParameter
					&& request.getAttribute(BearerTokenQueryParameterFilter.TOKEN_ATTRIBUTE) instanceof String query) {
				tokens.add(query);
			}
		}
		if (tokens.size() > 1) {
			throw new OAuth2AuthenticationException(
					BearerTokenErrors.invalidRequest("Found multiple bearer tokens in the request"));
		}
		return tokens.isEmpty() ? null : tokens.get(0);
	}

	private static @Nullable String fromProtocols(HttpServletRequest request) {
		for (String header : Collections.list(request.getHeaders("Sec-WebSocket-Protocol"))) {
			for (String protocol : header.split(",")) {
				String candidate = protocol.trim();
				if (candidate.startsWith(TOKEN_PROTOCOL_PREFIX)) {
					String token = candidate.substring(TOKEN_PROTOCOL_PREFIX.length());
					if (token.isEmpty()) {
						throw new OAuth2AuthenticationException(
								BearerTokenErrors.invalidRequest("Bearer token subprotocol is empty"));
					}
					return token;
				}
			}
		}
		return null;
	}

}

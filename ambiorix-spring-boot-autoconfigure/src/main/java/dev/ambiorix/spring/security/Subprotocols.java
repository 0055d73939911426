package dev.ambiorix.spring.security;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;

import org.springframework.web.socket.server.support.AbstractHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Makes the handshake select, and so echo, the {@code ambiorix} subprotocol when a client
 * offers it: a browser that offers subprotocols fails the connection unless the server
 * selects one, and the subprotocol that carries the token must not be the one echoed.
 */
final class Subprotocols implements WebSocketEndpointCustomizer {

	@Override
	public void customize(WebSocketHttpRequestHandler requestHandler) {
		if (requestHandler.getHandshakeHandler() instanceof AbstractHandshakeHandler handshake) {
			Set<String> protocols = new LinkedHashSet<>(Arrays.asList(handshake.getSupportedProtocols()));
			protocols.add(WebSocketBearerTokenResolver.PROTOCOL);
			handshake.setSupportedProtocols(protocols.toArray(String[]::new));
		}
	}

}

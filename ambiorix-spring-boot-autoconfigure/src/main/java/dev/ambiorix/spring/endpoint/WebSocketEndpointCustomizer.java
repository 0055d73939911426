package dev.ambiorix.spring.endpoint;

import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Customizes the upgrade at the Ambiorix paths: add handshake interceptors, or configure
 * the handshake handler (supported subprotocols, say). Every bean of this type is
 * applied, in order, after the origin check is in place.
 */
@FunctionalInterface
public interface WebSocketEndpointCustomizer {

	/**
	 * Customize the request handler that performs the upgrade.
	 * @param requestHandler the handler, with its handshake handler and interceptors
	 */
	void customize(WebSocketHttpRequestHandler requestHandler);

}

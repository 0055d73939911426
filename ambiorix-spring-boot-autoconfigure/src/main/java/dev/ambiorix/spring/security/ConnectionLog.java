package dev.ambiorix.spring.security;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogMessage;

/**
 * Logs connects and closes at DEBUG with the client id and the user: never a payload, a
 * token or a query string.
 */
final class ConnectionLog {

	private static final Log logger = LogFactory.getLog(ConnectionLog.class);

	@EventListener
	void connected(ClientConnectedEvent event) {
		WebSocketClient client = event.client();
		logger.debug(LogMessage.format("Client %s of user %s connected", client.id(),
				CredentialExpiry.name(client.principal())));
	}

	@EventListener
	void disconnected(ClientDisconnectedEvent event) {
		WebSocketClient client = event.client();
		logger.debug(LogMessage.format("Client %s of user %s closed with %s", client.id(),
				CredentialExpiry.name(client.principal()), event.status()));
	}

}

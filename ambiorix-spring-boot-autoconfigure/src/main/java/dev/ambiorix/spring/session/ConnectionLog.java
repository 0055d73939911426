package dev.ambiorix.spring.session;

import java.security.Principal;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.web.socket.CloseStatus;

/**
 * Logs each connect and close at DEBUG, and each client dropped as slow at WARN: ids,
 * users, close codes and reasons, never what was sent.
 */
public final class ConnectionLog implements AmbiorixMonitor {

	private static final Log logger = LogFactory.getLog(ConnectionLog.class);

	@Override
	public void connected(ClientConnection client) {
		if (logger.isDebugEnabled()) {
			logger.debug(LogMessage.format("Client %s connected (user %s)", client.id(), user(client)));
		}
	}

	@Override
	public void closed(ClientConnection client, CloseStatus status) {
		if (logger.isDebugEnabled()) {
			logger.debug(LogMessage.format("Client %s closed (user %s) with %d%s", client.id(), user(client),
					status.getCode(), (status.getReason() != null) ? " " + status.getReason() : ""));
		}
	}

	@Override
	public void dropped(ClientConnection client, DropReason reason) {
		if (reason.slow()) {
			logger.warn(LogMessage.format("Disconnecting slow client %s (user %s): %s", client.id(), user(client),
					reason.tag()));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(LogMessage.format("Disconnecting client %s (user %s): %s", client.id(), user(client),
					reason.tag()));
		}
	}

	private static String user(ClientConnection client) {
		Principal principal = client.principal();
		return (principal != null) ? principal.getName() : "none";
	}

}

package dev.ambiorix.spring.security;

import java.security.Principal;
import java.util.Objects;
import java.util.function.Predicate;

import dev.ambiorix.spring.ClientGroup;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.LocalClients;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogMessage;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionDestroyedEvent;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Closes connections whose credentials have ended, each with 1008 and a reason: every
 * connection of a user who logs out, on every node (through the cluster's relay when
 * there is one), and every connection opened on this node in an HTTP session that is
 * destroyed (expired or invalidated). The HTTP session id is recorded at the handshake
 * for this.
 */
final class SessionEnd implements WebSocketEndpointCustomizer {

	static final CloseStatus LOGGED_OUT = CloseStatus.POLICY_VIOLATION.withReason("logged out");

	static final CloseStatus SESSION_ENDED = CloseStatus.POLICY_VIOLATION.withReason("session ended");

	private static final Log logger = LogFactory.getLog(SessionEnd.class);

	private final ObjectProvider<LocalClients> clients;

	private final ObjectProvider<WebSocketClients> everyNode;

	SessionEnd(ObjectProvider<LocalClients> clients, ObjectProvider<WebSocketClients> everyNode) {
		this.clients = clients;
		this.everyNode = everyNode;
	}

	@Override
	public void customize(WebSocketHttpRequestHandler requestHandler) {
		HttpSessionHandshakeInterceptor sessionId = new HttpSessionHandshakeInterceptor();
		sessionId.setCopyAllAttributes(false);
		sessionId.setCopyHttpSessionId(true);
		sessionId.setCreateSession(false);
		requestHandler.getHandshakeInterceptors().add(sessionId);
	}

	@EventListener
	void loggedOut(LogoutSuccessEvent event) {
		Authentication user = event.getAuthentication();
		closeWhere((client) -> sameUser(client.principal(), user), LOGGED_OUT);
		String name = user.getName();
		WebSocketClients clients = this.everyNode.getIfAvailable();
		// Names the user index cannot hold have no connections on other nodes either.
		if (clients != null && name != null && !name.isEmpty() && name.length() <= ClientGroup.MAX_NAME_LENGTH) {
			logger.info(LogMessage.format("Closing the connections of user %s on every node: %s", name,
					LOGGED_OUT.getReason()));
			clients.user(name).close(LOGGED_OUT);
		}
	}

	@EventListener
	void sessionDestroyed(SessionDestroyedEvent event) {
		String id = event.getId();
		closeWhere(
				(client) -> id
					.equals(client.attributes().get(HttpSessionHandshakeInterceptor.HTTP_SESSION_ID_ATTR_NAME)),
				SESSION_ENDED);
	}

	private void closeWhere(Predicate<ClientConnection> ended, CloseStatus status) {
		LocalClients local = this.clients.getIfAvailable();
		if (local == null) {
			return;
		}
		for (ClientConnection client : local.all()) {
			if (ended.test(client)) {
				logger.info(LogMessage.format("Closing client %s of user %s: %s", client.id(),
						CredentialExpiry.name(client.principal()), status.getReason()));
				client.close(status);
			}
		}
	}

	private static boolean sameUser(@Nullable Principal principal, Authentication user) {
		return principal != null && Objects.equals(principal.getName(), user.getName());
	}

}

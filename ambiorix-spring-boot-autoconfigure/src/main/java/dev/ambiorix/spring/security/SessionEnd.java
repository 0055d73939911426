package dev.ambiorix.spring.security;

import java.security.Principal;
import java.util.Objects;
import java.util.function.Predicate;

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
 * Closes connections, on this node, whose credentials have ended: every connection of a
 * user who logs out, and every connection opened in an HTTP session that is destroyed
 * (expired or invalidated). Each with 1008 and a reason. The HTTP session id is recorded
 * at the handshake for this.
 */
final class SessionEnd implements WebSocketEndpointCustomizer {

	static final CloseStatus LOGGED_OUT = CloseStatus.POLICY_VIOLATION.withReason("logged out");

	static final CloseStatus SESSION_ENDED = CloseStatus.POLICY_VIOLATION.withReason("session ended");

	private static final Log logger = LogFactory.getLog(SessionEnd.class);

	private final ObjectProvider<LocalClients> clients;

	SessionEnd(ObjectProvider<LocalClients> clients) {
		this.clients = clients;
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

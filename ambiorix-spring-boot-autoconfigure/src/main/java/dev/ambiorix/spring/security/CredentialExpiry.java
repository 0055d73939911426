package dev.ambiorix.spring.security;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.web.socket.CloseStatus;

/**
 * Closes a connection authenticated by a token (a JWT, say) with 1008 when the token
 * expires, by a timer: a connection lives no longer than its credentials, whether or not
 * the client sends anything.
 */
final class CredentialExpiry implements DisposableBean {

	static final CloseStatus EXPIRED = CloseStatus.POLICY_VIOLATION.withReason("credentials expired");

	private static final Log logger = LogFactory.getLog(CredentialExpiry.class);

	private final ScheduledThreadPoolExecutor timer;

	private final ConcurrentMap<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();

	CredentialExpiry() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-credential-expiry-");
		threads.setDaemon(true);
		this.timer = new ScheduledThreadPoolExecutor(1, threads);
		this.timer.setRemoveOnCancelPolicy(true);
	}

	@EventListener
	void connected(ClientConnectedEvent event) {
		WebSocketClient client = event.client();
		Instant expiresAt = expiresAt(client.principal());
		if (expiresAt == null) {
			return;
		}
		long delay = Math.max(0, Duration.between(Instant.now(), expiresAt).toMillis());
		this.pending.put(client.id(), this.timer.schedule(() -> expire(client), delay, TimeUnit.MILLISECONDS));
		// Closed before the timer was registered: the disconnect found nothing to cancel.
		if (!client.isOpen()) {
			cancel(client.id());
		}
	}

	@EventListener
	void disconnected(ClientDisconnectedEvent event) {
		cancel(event.client().id());
	}

	private void expire(WebSocketClient client) {
		this.pending.remove(client.id());
		if (client.isOpen()) {
			logger.info(LogMessage.format("Closing client %s of user %s: credentials expired", client.id(),
					name(client.principal())));
			client.close(EXPIRED);
		}
	}

	private void cancel(String id) {
		ScheduledFuture<?> future = this.pending.remove(id);
		if (future != null) {
			future.cancel(false);
		}
	}

	int pendingCount() {
		return this.pending.size();
	}

	static @Nullable Instant expiresAt(@Nullable Principal principal) {
		if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> authentication) {
			OAuth2Token token = authentication.getToken();
			return token.getExpiresAt();
		}
		return null;
	}

	static @Nullable String name(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : null;
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

}

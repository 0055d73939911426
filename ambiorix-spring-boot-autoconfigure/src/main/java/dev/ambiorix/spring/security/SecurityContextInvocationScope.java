package dev.ambiorix.spring.security;

import java.util.List;

import dev.ambiorix.spring.handler.InvocationScope;
import dev.ambiorix.spring.session.ClientConnection;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Makes the handshake's {@link Authentication} the security context of each handler call,
 * as Spring Security's {@code SecurityContextChannelInterceptor} does for STOMP: an
 * anonymous client runs as an anonymous token, and the thread's context is restored (so
 * cleared, on a container thread) afterwards.
 */
final class SecurityContextInvocationScope implements InvocationScope {

	private static final String ANONYMOUS_KEY = "ambiorix-anonymous";

	private final SecurityContextHolderStrategy strategy;

	private final Authentication anonymous = new AnonymousAuthenticationToken(ANONYMOUS_KEY, "anonymousUser",
			List.copyOf(AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));

	SecurityContextInvocationScope(SecurityContextHolderStrategy strategy) {
		this.strategy = strategy;
	}

	SecurityContextInvocationScope() {
		this(SecurityContextHolder.getContextHolderStrategy());
	}

	@Override
	public Entered enter(ClientConnection client) {
		SecurityContext previous = this.strategy.getContext();
		SecurityContext context = this.strategy.createEmptyContext();
		context.setAuthentication(
				(client.principal() instanceof Authentication authentication) ? authentication : this.anonymous);
		this.strategy.setContext(context);
		return () -> {
			if (this.strategy.createEmptyContext().equals(previous)) {
				this.strategy.clearContext();
			}
			else {
				this.strategy.setContext(previous);
			}
		};
	}

	/**
	 * Method security throws {@link AccessDeniedException} (its subclass
	 * {@code AuthorizationDeniedException} included) when a rule says no, and an
	 * {@link AuthenticationException} when the rule needs a user the call does not have.
	 */
	@Override
	public boolean isDenial(Throwable exception) {
		return exception instanceof AccessDeniedException || exception instanceof AuthenticationException;
	}

}

package dev.ambiorix.spring.security;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import jakarta.annotation.security.RolesAllowed;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.annotation.Secured;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutor;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * An application with Spring Security, method security, HTTP basic and form login, two
 * users ({@code admin} and {@code user}, password {@code password}) and handlers guarded
 * each way method security offers. Each test brings its filter chain.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableWebSecurity
@EnableMethodSecurity(securedEnabled = true, jsr250Enabled = true)
class SecuredApplication {

	static final String PASSWORD = "password";

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("admin").password("{noop}" + PASSWORD).roles("ADMIN", "USER").build(),
				User.withUsername("user").password("{noop}" + PASSWORD).roles("USER").build());
	}

	@Bean
	GuardedHandlers guardedHandlers() {
		return new GuardedHandlers();
	}

	@Bean
	ContextOnDisconnect contextOnDisconnect() {
		return new ContextOnDisconnect();
	}

	static Map<String, String> basic(String user) {
		String credentials = user + ":" + PASSWORD;
		return Map.of("Authorization",
				"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
	}

	static class GuardedHandlers {

		@Receive("whoami")
		String whoami() {
			return nameOnThisThread();
		}

		@Receive("pre")
		@PreAuthorize("hasRole('ADMIN')")
		String pre(String text) {
			return "pre " + text + " as " + nameOnThisThread();
		}

		@Receive("secured")
		@Secured("ROLE_ADMIN")
		String secured() {
			return "secured as " + nameOnThisThread();
		}

		@Receive("rolesAllowed")
		@RolesAllowed("ADMIN")
		String rolesAllowed() {
			return "rolesAllowed as " + nameOnThisThread();
		}

		@Receive("mono")
		@PreAuthorize("hasRole('ADMIN')")
		Mono<String> mono() {
			return Mono.fromSupplier(() -> "mono as " + nameOnThisThread());
		}

		/** The context reaches a continuation on an executor that carries it. */
		@Receive("later")
		CompletionStage<String> later() {
			return CompletableFuture.supplyAsync(GuardedHandlers::nameOnThisThread,
					new DelegatingSecurityContextExecutor(ForkJoinPool.commonPool()));
		}

		static String nameOnThisThread() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : "nobody";
		}

	}

	/**
	 * Records the security context of the container thread that handles a close: outside
	 * any handler call, so whatever a handler call left behind shows here.
	 */
	static class ContextOnDisconnect {

		final AtomicReference<Optional<Authentication>> seen = new AtomicReference<>();

		@EventListener
		void disconnected(ClientDisconnectedEvent event) {
			this.seen.set(Optional.ofNullable(SecurityContextHolder.getContext().getAuthentication()));
		}

	}

}

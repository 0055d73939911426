package dev.ambiorix.sample.chat;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may chat: anyone, under a nickname of their choice; or, with the {@code login}
 * profile, the users below after signing in, each under their own name.
 */
@Configuration(proxyBeanMethods = false)
class ChatSecurity {

	/**
	 * Without the login profile the chat is open to anyone, as it was before Spring
	 * Security came on the classpath (whose default would ask every page for a generated
	 * password).
	 */
	@Bean
	@Profile("!login")
	SecurityFilterChain openChat(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
	}

	/**
	 * The login profile: a login form, in-memory users, and logout.
	 */
	@Configuration(proxyBeanMethods = false)
	@Profile("login")
	static class Login {

		@Bean
		SecurityFilterChain loginChat(HttpSecurity http) throws Exception {
			RequestMatcher upgrades = (request) -> "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
			return http.authorizeHttpRequests((requests) -> requests
				// Health and metrics stay on the management port, bound to 127.0.0.1.
				.requestMatchers(EndpointRequest.toAnyEndpoint())
				.permitAll()
				.anyRequest()
				.authenticated())
				// An upgrade without a user gets 401, not a redirect to the login form.
				.exceptionHandling((exceptions) -> exceptions
					.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), upgrades))
				.formLogin(Customizer.withDefaults())
				.logout(Customizer.withDefaults())
				.build();
		}

		/**
		 * Three users. {@code {noop}} marks a password stored as typed, fine for a sample
		 * whose passwords are in its documentation; a real application stores
		 * {@code {bcrypt}} hashes (the delegating encoder reads both).
		 */
		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(user("alice"), user("bob"), user("carol"));
		}

		private static UserDetails user(String name) {
			return User.withUsername(name).password("{noop}" + name + "-pass").roles("USER").build();
		}

	}

}

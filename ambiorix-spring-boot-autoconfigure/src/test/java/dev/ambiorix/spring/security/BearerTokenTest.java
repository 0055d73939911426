package dev.ambiorix.spring.security;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A JWT where a browser can put it, the {@code Sec-WebSocket-Protocol} header, as the
 * OAuth2 resource server of the application checks it; and a connection that ends when
 * its token does.
 */
@SpringBootTest(classes = { SecuredApplication.class, BearerTokenTest.TokenUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class BearerTokenTest {

	@LocalServerPort
	int port;

	AmbiorixConnection connectWithProtocols(String... protocols) {
		return AmbiorixConnection.connect(this.port, "/", Map.of(), protocols);
	}

	@Test
	void aJwtInTheSubprotocolAuthenticatesAndTheServerEchoesTheAmbiorixSubprotocol() {
		String token = TestTokens.valid("alice", Instant.now().plusSeconds(600));
		try (AmbiorixConnection client = connectWithProtocols("ambiorix", "ambiorix.bearer." + token)) {
			assertThat(client.client().subprotocol()).isEqualTo("ambiorix");
			assertThat(client.request("whoami", null).stringValue()).isEqualTo("alice");
		}
	}

	@Test
	void anExpiredJwtGets401() {
		String token = TestTokens.valid("alice", Instant.now().minus(Duration.ofMinutes(5)));
		assertRefusedWith401(() -> connectWithProtocols("ambiorix", "ambiorix.bearer." + token));
	}

	@Test
	void aForgedJwtGets401() {
		String token = TestTokens.forged("alice");
		assertRefusedWith401(() -> connectWithProtocols("ambiorix", "ambiorix.bearer." + token));
	}

	@Test
	void noTokenGets401() {
		assertRefusedWith401(() -> connectWithProtocols("ambiorix"));
	}

	@Test
	void aQueryParameterTokenIsNotAcceptedUnlessEnabled() {
		String token = TestTokens.valid("alice", Instant.now().plusSeconds(600));
		assertRefusedWith401(() -> AmbiorixConnection.connect(this.port, "/?access_token=" + token, Map.of()));
	}

	@Test
	void aJwtThatExpiresTwoSecondsAfterConnectingClosesTheConnectionWith1008ThoughTheClientIsSilent() {
		// exp has whole seconds: 1 to 2 s away, so the 3 s wait below starts no later
		// than
		// 2 s before it and always leaves a second for the close to arrive.
		Instant expiresAt = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
		String token = TestTokens.valid("alice", expiresAt);
		try (AmbiorixConnection client = connectWithProtocols("ambiorix", "ambiorix.bearer." + token)) {
			assertThat(client.request("whoami", null).stringValue()).isEqualTo("alice");
			await().atMost(Duration.ofSeconds(3)).until(() -> client.closeCode().isDone());
			assertThat(client.closeCode().join()).isEqualTo(1008);
			assertThat(client.closeReason()).isEqualTo("credentials expired");
			assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
		}
	}

	private static void assertRefusedWith401(Runnable connect) {
		assertThatExceptionOfType(AmbiorixDisconnectedException.class).isThrownBy(connect::run)
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	/**
	 * Upgrades need a valid JWT (HS256, the test key).
	 */
	@Configuration(proxyBeanMethods = false)
	static class TokenUpgrades {

		@Bean
		JwtDecoder jwtDecoder() {
			return TestTokens.decoder();
		}

		@Bean
		SecurityFilterChain tokenUpgrades(HttpSecurity http) throws Exception {
			RequestMatcher upgrades = (request) -> "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
			return http
				.authorizeHttpRequests(
						(requests) -> requests.requestMatchers(upgrades).authenticated().anyRequest().permitAll())
				.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()))
				.build();
		}

	}

}

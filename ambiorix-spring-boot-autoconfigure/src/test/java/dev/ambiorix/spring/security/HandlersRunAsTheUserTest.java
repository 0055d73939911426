package dev.ambiorix.spring.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * With Spring Security, handlers run as the user of the handshake: method security on
 * {@code @Receive} methods allows and denies, a denial answers {@code forbidden} on a
 * connection that stays open, and nothing of the user stays on the container's thread.
 * One Tomcat thread, so the close of a connection is handled on the thread that ran its
 * handlers (on Jetty, whose pool is not limited here, most likely the same one).
 */
@SpringBootTest(classes = { SecuredApplication.class, HandlersRunAsTheUserTest.OpenUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.tomcat.threads.max=1", "server.tomcat.threads.min-spare=1" })
@ExtendWith(OutputCaptureExtension.class)
class HandlersRunAsTheUserTest {

	@LocalServerPort
	int port;

	@Autowired
	SecuredApplication.ContextOnDisconnect contextOnDisconnect;

	AmbiorixConnection connectAs(String user) {
		return AmbiorixConnection.connect(this.port, "/", SecuredApplication.basic(user));
	}

	@Test
	void anAdminsGuardedCallsRunAsTheAdmin() {
		try (AmbiorixConnection admin = connectAs("admin")) {
			assertThat(admin.request("pre", "hi").stringValue()).isEqualTo("pre hi as admin");
			assertThat(admin.request("secured", null).stringValue()).isEqualTo("secured as admin");
			assertThat(admin.request("rolesAllowed", null).stringValue()).isEqualTo("rolesAllowed as admin");
			assertThat(admin.request("mono", null).stringValue()).isEqualTo("mono as admin");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pre", "secured", "rolesAllowed", "mono" })
	void aUsersGuardedCallIsForbiddenAndTheConnectionStaysOpen(String handler) {
		try (AmbiorixConnection user = connectAs("user")) {
			assertThat(user.requestError(handler, "hi", "forbidden").name()).isEqualTo(handler);
			assertThat(user.request("whoami", null).stringValue()).isEqualTo("user");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pre", "secured", "rolesAllowed", "mono" })
	void anAnonymousGuardedCallIsForbidden(String handler) {
		try (AmbiorixConnection anonymous = AmbiorixConnection.connect(this.port)) {
			anonymous.requestError(handler, "hi", "forbidden");
			assertThat(anonymous.request("whoami", null).stringValue()).isEqualTo("anonymousUser");
		}
	}

	@Test
	void aDenialIsLoggedAtInfoWithTheClientAndHandlerButNotThePayload(CapturedOutput output) {
		try (AmbiorixConnection user = connectAs("user")) {
			user.requestError("pre", "secret-payload-4711", "forbidden");
		}
		assertThat(output).containsPattern("INFO .*Denied @Receive\\(\"pre\"\\) .* to client [0-9a-f-]{36}")
			.doesNotContain("secret-payload-4711");
	}

	@Test
	void aContinuationOnAnExecutorThatCarriesTheContextRunsAsTheUser() {
		try (AmbiorixConnection admin = connectAs("admin")) {
			assertThat(admin.request("later", null).stringValue()).isEqualTo("admin");
		}
	}

	@Test
	void theSecurityContextIsEmptyOnTheThreadAfterAHandlerCall() throws Exception {
		this.contextOnDisconnect.seen.set(null);
		AmbiorixConnection admin = connectAs("admin");
		assertThat(admin.request("whoami", null).stringValue()).isEqualTo("admin");
		admin.close();
		await().atMost(5, TimeUnit.SECONDS).until(() -> this.contextOnDisconnect.seen.get() != null);
		assertThat(this.contextOnDisconnect.seen.get()).isEqualTo(Optional.empty());
	}

	@Test
	void wrongCredentialsNeverUpgrade() {
		Map<String, String> wrong = Map.of("Authorization", "Basic YWRtaW46d3Jvbmc=");
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port, "/", wrong));
	}

	/**
	 * Upgrades need no authentication; HTTP basic authenticates those that carry it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OpenUpgrades {

		@Bean
		SecurityFilterChain openFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}

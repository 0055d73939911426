package dev.ambiorix.spring.security;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.support.TestClient;
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

	TestClient connectAs(String user) {
		return TestClient.connect(this.port, "/", SecuredApplication.basic(user));
	}

	@Test
	void anAdminsGuardedCallsRunAsTheAdmin() {
		try (TestClient admin = connectAs("admin")) {
			admin.request("pre", "hi", 1);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("pre hi as admin");
			admin.request("secured", null, 2);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("secured as admin");
			admin.request("rolesAllowed", null, 3);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("rolesAllowed as admin");
			admin.request("mono", null, 4);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("mono as admin");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pre", "secured", "rolesAllowed", "mono" })
	void aUsersGuardedCallIsForbiddenAndTheConnectionStaysOpen(String handler) {
		try (TestClient user = connectAs("user")) {
			user.request(handler, "hi", 7);
			assertThat(user.nextError("forbidden").get("name").stringValue()).isEqualTo(handler);
			user.request("whoami", null, 8);
			assertThat(user.next().get("message").stringValue()).isEqualTo("user");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "pre", "secured", "rolesAllowed", "mono" })
	void anAnonymousGuardedCallIsForbidden(String handler) {
		try (TestClient anonymous = TestClient.connect(this.port)) {
			anonymous.request(handler, "hi", 1);
			anonymous.nextError("forbidden");
			anonymous.request("whoami", null, 2);
			assertThat(anonymous.next().get("message").stringValue()).isEqualTo("anonymousUser");
		}
	}

	@Test
	void aDenialIsLoggedAtInfoWithTheClientAndHandlerButNotThePayload(CapturedOutput output) {
		try (TestClient user = connectAs("user")) {
			user.request("pre", "secret-payload-4711", 1);
			user.nextError("forbidden");
		}
		assertThat(output).containsPattern("INFO .*Denied @Receive\\(\"pre\"\\) .* to client [0-9a-f-]{36}")
			.doesNotContain("secret-payload-4711");
	}

	@Test
	void aContinuationOnAnExecutorThatCarriesTheContextRunsAsTheUser() {
		try (TestClient admin = connectAs("admin")) {
			admin.request("later", null, 1);
			assertThat(admin.next().get("message").stringValue()).isEqualTo("admin");
		}
	}

	@Test
	void theSecurityContextIsEmptyOnTheThreadAfterAHandlerCall() throws Exception {
		this.contextOnDisconnect.seen.set(null);
		TestClient admin = connectAs("admin");
		admin.request("whoami", null, 1);
		assertThat(admin.next().get("message").stringValue()).isEqualTo("admin");
		admin.close();
		await().atMost(5, TimeUnit.SECONDS).until(() -> this.contextOnDisconnect.seen.get() != null);
		assertThat(this.contextOnDisconnect.seen.get()).isEqualTo(Optional.empty());
	}

	@Test
	void wrongCredentialsNeverUpgrade() {
		Map<String, String> wrong = Map.of("Authorization", "Basic YWRtaW46d3Jvbmc=");
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> TestClient.connect(this.port, "/", wrong));
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

package dev.ambiorix.spring.security;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ambiorix.client.AmbiorixDisconnectedException;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An application that requires authentication for WebSocket upgrades with its ordinary
 * filter chain (the two lines in docs/security.md), and logs users in with a form and a
 * session cookie.
 */
@SpringBootTest(classes = { SecuredApplication.class, UpgradeRulesTest.AuthenticatedUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class UpgradeRulesTest {

	@LocalServerPort
	int port;

	@Test
	void anUnauthenticatedUpgradeGets401AndNoWebSocket() {
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void aPlainGetOfTheSamePathNeedsNoAuthentication() throws Exception {
		HttpResponse<String> page = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
	}

	@Test
	void anUpgradeWithTheSessionCookieOfALoggedInUserRunsAsThatUser() throws Exception {
		String cookie = logIn(this.port, "user");
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port, "/", Map.of("Cookie", cookie))) {
			assertThat(client.request("whoami", null).stringValue()).isEqualTo("user");
		}
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port, "/",
				Map.of("Cookie", cookie, "Origin", "http://127.0.0.1:" + this.port))) {
			assertThat(client.request("whoami", null).stringValue()).isEqualTo("user");
		}
	}

	@Test
	void aForeignOriginWithAValidSessionCookieGets403() throws Exception {
		String cookie = logIn(this.port, "admin");
		assertThatExceptionOfType(AmbiorixDisconnectedException.class)
			.isThrownBy(() -> AmbiorixConnection.connect(this.port, "/",
					Map.of("Cookie", cookie, "Origin", "https://evil.example")))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(403));
	}

	/**
	 * Log in through the form, CSRF token included, as a browser does.
	 * @return the {@code Cookie} header value of the authenticated session
	 */
	static String logIn(int port, String user) throws IOException, InterruptedException {
		CookieManager cookies = new CookieManager();
		HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).build();
		URI login = URI.create("http://127.0.0.1:" + port + "/login");
		String page = http.send(HttpRequest.newBuilder(login).build(), HttpResponse.BodyHandlers.ofString()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as("a CSRF token in the login page").isTrue();
		String form = "username=" + user + "&password=" + SecuredApplication.PASSWORD + "&_csrf=" + csrf.group(1);
		HttpResponse<Void> loggedIn = http.send(HttpRequest.newBuilder(login)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(loggedIn.statusCode()).isEqualTo(302);
		assertThat(loggedIn.headers().firstValue("Location"))
			.hasValueSatisfying((to) -> assertThat(to).doesNotContain("error"));
		HttpCookie session = cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("JSESSIONID"))
			.findFirst()
			.orElseThrow();
		return session.getName() + "=" + session.getValue();
	}

	/**
	 * Upgrades need an authenticated user and answer 401 without one; everything else is
	 * open, with a login form.
	 */
	@Configuration(proxyBeanMethods = false)
	static class AuthenticatedUpgrades {

		@Bean
		SecurityFilterChain authenticatedUpgrades(HttpSecurity http) throws Exception {
			RequestMatcher upgrades = (request) -> "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
			http.authorizeHttpRequests((requests) -> requests.requestMatchers(upgrades).authenticated())
				.exceptionHandling((exceptions) -> exceptions
					.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), upgrades));
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.formLogin(Customizer.withDefaults())
				.build();
		}

	}

}

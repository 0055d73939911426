package dev.ambiorix.spring.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ambiorix.spring.support.AmbiorixConnection;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections end with the session they were opened in: a logout closes every connection
 * of that user on this node, and a destroyed HTTP session closes the connections opened
 * in it, each with 1008 and a reason; other users' connections stay.
 */
@SpringBootTest(classes = { SecuredApplication.class, UpgradeRulesTest.AuthenticatedUpgrades.class,
		SessionEndTest.SessionEvents.class }, webEnvironment = WebEnvironment.RANDOM_PORT)
class SessionEndTest {

	@LocalServerPort
	int port;

	@Test
	void aLogoutClosesEveryConnectionOfThatUserWith1008AndOthersStayOpen() throws Exception {
		String tab = UpgradeRulesTest.logIn(this.port, "user");
		String otherDevice = UpgradeRulesTest.logIn(this.port, "user");
		String admin = UpgradeRulesTest.logIn(this.port, "admin");
		try (AmbiorixConnection first = connect(tab);
				AmbiorixConnection second = connect(tab);
				AmbiorixConnection third = connect(otherDevice);
				AmbiorixConnection bystander = connect(admin)) {
			logOut(tab);
			for (AmbiorixConnection client : new AmbiorixConnection[] { first, second, third }) {
				await().atMost(Duration.ofSeconds(5)).until(() -> client.closeCode().isDone());
				assertThat(client.closeCode().join()).isEqualTo(1008);
				assertThat(client.closeReason()).isNotEmpty();
			}
			// The container may close those of the ended session first (Jakarta
			// WebSocket ties them to it); the user's other session is ours to close.
			assertThat(third.closeReason()).isEqualTo("logged out");
			assertThat(bystander.request("whoami", null).stringValue()).isEqualTo("admin");
		}
	}

	@Test
	void aDestroyedSessionClosesTheConnectionsOpenedInIt() throws Exception {
		String ending = UpgradeRulesTest.logIn(this.port, "user");
		String other = UpgradeRulesTest.logIn(this.port, "user");
		try (AmbiorixConnection inEndingSession = connect(ending); AmbiorixConnection inOtherSession = connect(other)) {
			HttpResponse<String> ended = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/test/end-session"))
					.header("Cookie", ending)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(ended.body()).isEqualTo("ended");
			await().atMost(Duration.ofSeconds(5)).until(() -> inEndingSession.closeCode().isDone());
			assertThat(inEndingSession.closeCode().join()).isEqualTo(1008);
			assertThat(inEndingSession.closeReason()).isNotEmpty();
			assertThat(inOtherSession.request("whoami", null).stringValue()).isEqualTo("user");
		}
	}

	private AmbiorixConnection connect(String cookie) {
		return AmbiorixConnection.connect(this.port, "/", Map.of("Cookie", cookie));
	}

	/**
	 * Log out through Spring Security's logout page and form, CSRF token included.
	 */
	private void logOut(String cookie) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		URI logout = URI.create("http://127.0.0.1:" + this.port + "/logout");
		String page = http
			.send(HttpRequest.newBuilder(logout).header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as("a CSRF token in the logout page").isTrue();
		HttpResponse<Void> loggedOut = http.send(HttpRequest.newBuilder(logout)
			.header("Cookie", cookie)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1)))
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(loggedOut.statusCode()).isEqualTo(302);
	}

	/**
	 * Spring Security's session events, and a way to end a session now (as its timeout
	 * would).
	 */
	@Configuration(proxyBeanMethods = false)
	static class SessionEvents {

		@Bean
		HttpSessionEventPublisher httpSessionEventPublisher() {
			return new HttpSessionEventPublisher();
		}

		@Bean
		EndSession endSession() {
			return new EndSession();
		}

	}

	@RestController
	static class EndSession {

		@GetMapping("/test/end-session")
		String end(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			if (session == null) {
				return "no session";
			}
			session.invalidate();
			return "ended";
		}

	}

}

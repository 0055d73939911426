package dev.ambiorix.sample.chat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The chat's {@code login} profile in a real headless browser: a login form, the user's
 * name as nickname, direct messages to every tab of a user, and a logout that closes the
 * chat in the user's other tabs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("login")
class LoginBrowserTest {

	@LocalServerPort
	int port;

	String url() {
		return "http://127.0.0.1:" + this.port + "/";
	}

	@Test
	void anAnonymousVisitorIsSentToTheLoginFormAndCannotConnect() throws Exception {
		try (Browser visitor = new Browser().open(url())) {
			visitor.waitFor("the login form", () -> visitor.driver().getCurrentUrl().endsWith("/login"));
			assertThat(visitor.count("#username")).isOne();
			assertThat(visitor.count("#messages")).isZero();
		}
		HttpClient http = HttpClient.newHttpClient();
		WebSocket.Listener listener = new WebSocket.Listener() {
		};
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> http.newWebSocketBuilder()
				.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/"), listener)
				.orTimeout(30, TimeUnit.SECONDS)
				.join())
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(refused) -> assertThat(refused.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void aSignedInUserChatsUnderTheirNameAndAForgedNameIsIgnored() {
		try (Browser alice = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			alice.signIn("alice", "alice-pass");
			assertThat(alice.run("return document.getElementById('nickname').readOnly")).isEqualTo(true);
			assertThat(alice.run("return document.getElementById('nickname').value")).isEqualTo("alice");
			alice.joinSignedIn("alice");
			bob.signIn("bob", "bob-pass").joinSignedIn("bob");
			Object forged = alice.script("const done = arguments[0];"
					+ "Ambiorix.request('join', {nickname: 'mallory', person: 'someone-else'})"
					+ ".then((joined) => done(joined.nickname), (e) => done(e.code));");
			assertThat(forged).isEqualTo("alice");
			alice.say("it is really me");
			bob.waitFor("alice's post under her name", () -> bob.posts().contains("alice: it is really me"));
			assertThat(bob.online()).containsExactly("alice", "bob");
		}
	}

	@Test
	void aDirectMessageReachesEveryTabOfTheUser() {
		try (Browser alice = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			alice.signIn("alice", "alice-pass").joinSignedIn("alice");
			String firstTab = alice.driver().getWindowHandle();
			alice.driver().switchTo().newWindow(WindowType.TAB);
			alice.open(url()).joinSignedIn("alice");
			String secondTab = alice.driver().getWindowHandle();
			bob.signIn("bob", "bob-pass").joinSignedIn("bob");
			bob.waitFor("alice online", () -> bob.online().equals(List.of("alice", "bob")));
			bob.driver().findElement(By.cssSelector("#online button[title='Message alice']")).click();
			bob.waitFor("direct messages with alice", () -> "@alice".equals(bob.text("room-title")));
			bob.say("psst, alice");
			bob.waitFor("bob's direct message confirmed", () -> bob.posts().contains("bob: psst, alice"));
			for (String tab : List.of(secondTab, firstTab)) {
				alice.driver().switchTo().window(tab);
				alice.showConversation("@bob");
				alice.waitFor("bob's direct message in this tab",
						() -> alice.posts().equals(List.of("bob: psst, alice")));
			}
			alice.say("hi bob");
			bob.waitFor("alice's answer", () -> bob.posts().equals(List.of("bob: psst, alice", "alice: hi bob")));
			alice.driver().switchTo().window(secondTab);
			alice.waitFor("alice's answer in her other tab",
					() -> alice.posts().equals(List.of("bob: psst, alice", "alice: hi bob")));
		}
	}

	@Test
	void signingOutInOneTabClosesTheChatInTheOthersAndOnlyThere() {
		try (Browser alice = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			alice.signIn("alice", "alice-pass").joinSignedIn("alice");
			String firstTab = alice.driver().getWindowHandle();
			alice.driver().switchTo().newWindow(WindowType.TAB);
			alice.open(url()).joinSignedIn("alice");
			String secondTab = alice.driver().getWindowHandle();
			bob.signIn("bob", "bob-pass").joinSignedIn("bob");
			alice.driver().switchTo().window(firstTab);
			alice.driver().findElement(By.linkText("Sign out")).click();
			// Spring Security's logout page asks once, with its CSRF token.
			alice.waitFor("the logout page", () -> alice.driver().getCurrentUrl().endsWith("/logout"));
			alice.driver().findElement(By.cssSelector("form button[type=submit]")).click();
			alice.waitFor("signed out", () -> alice.driver().getCurrentUrl().endsWith("/login?logout"));
			alice.driver().switchTo().window(secondTab);
			alice.waitFor("the other tab says it is signed out", Duration.ofSeconds(30),
					() -> "signed-out".equals(alice.status()));
			assertThat(alice.driver().findElement(By.id("signed-out")).isDisplayed()).isTrue();
			assertThat(alice.text("signed-out")).contains("You signed out");
			assertThat(alice.driver().findElement(By.id("say-form")).isDisplayed()).isFalse();
			// Closed for good: no reconnect is scheduled.
			assertThat(alice.run("return Ambiorix.state()")).isEqualTo("closed");
			bob.waitFor("alice gone from bob's list", Duration.ofSeconds(30),
					() -> bob.online().equals(List.of("bob")));
			assertThat(bob.status()).isEqualTo("open");
			bob.say("still here");
			bob.waitFor("bob's chat still works", () -> bob.posts().contains("bob: still here"));
			assertThat(alice.status()).isEqualTo("signed-out");
			assertThat(alice.run("return Ambiorix.state()")).isEqualTo("closed");
		}
	}

}

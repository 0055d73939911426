package dev.ambiorix.sample.chat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code login} profile on two chat nodes behind one real Redis: a direct message
 * reaches the user's pages on both nodes, and a logout on one node closes the user's chat
 * on the other.
 */
class LoginOnTwoNodesBrowserTest {

	@Test
	void directMessagesAndLogoutsReachTheUserOnEveryNode() throws Exception {
		try (LocalRedis redis = new LocalRedis();
				ConfigurableApplicationContext one = node(redis);
				ConfigurableApplicationContext two = node(redis);
				Browser bob = new Browser().open(url(one));
				Browser aliceOnOne = new Browser().open(url(one));
				Browser aliceOnTwo = new Browser().open(url(two))) {
			aliceOnOne.signIn("alice", "alice-pass").joinSignedIn("alice");
			aliceOnTwo.signIn("alice", "alice-pass").joinSignedIn("alice");
			bob.signIn("bob", "bob-pass").joinSignedIn("bob");
			bob.waitFor("alice online, once", () -> bob.online().equals(List.of("alice", "bob")));
			bob.driver().findElement(By.cssSelector("#online button[title='Message alice']")).click();
			bob.say("on both nodes?");
			bob.waitFor("bob's direct message confirmed", () -> bob.posts().contains("bob: on both nodes?"));
			for (Browser alice : List.of(aliceOnOne, aliceOnTwo)) {
				alice.showConversation("@bob");
				alice.waitFor("bob's direct message", () -> alice.posts().equals(List.of("bob: on both nodes?")));
			}
			aliceOnOne.driver().findElement(By.linkText("Sign out")).click();
			aliceOnOne.waitFor("the logout page", () -> aliceOnOne.driver().getCurrentUrl().endsWith("/logout"));
			aliceOnOne.driver().findElement(By.cssSelector("form button[type=submit]")).click();
			aliceOnOne.waitFor("signed out on node one",
					() -> aliceOnOne.driver().getCurrentUrl().endsWith("/login?logout"));
			aliceOnTwo.waitFor("alice's chat on node two closed", Duration.ofSeconds(30),
					() -> "signed-out".equals(aliceOnTwo.status()));
			assertThat(aliceOnTwo.driver().findElement(By.id("signed-out")).isDisplayed()).isTrue();
			assertThat(aliceOnTwo.run("return Ambiorix.state()")).isEqualTo("closed");
			bob.showConversation("# general");
			bob.waitFor("alice gone from bob's list", Duration.ofSeconds(30),
					() -> bob.online().equals(List.of("bob")));
			assertThat(bob.status()).isEqualTo("open");
		}
	}

	private static ConfigurableApplicationContext node(LocalRedis redis) {
		return new SpringApplicationBuilder(ChatApplication.class).profiles("login")
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.cluster.mode=redis", "spring.data.redis.host=127.0.0.1",
					"spring.data.redis.port=" + redis.port())
			.run("--management.server.port=0");
	}

	private static String url(ConfigurableApplicationContext node) {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/";
	}

}

package dev.ambiorix.sample.chat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WindowType;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The chat in a real headless browser, two pages talking to each other.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatBrowserTest {

	@LocalServerPort
	int port;

	String url() {
		return "http://127.0.0.1:" + this.port + "/";
	}

	@Test
	@Order(1) // first, so that the screenshot shows only this conversation
	void twoPagesChatWithEachOtherAndSeeWhoIsOnline() throws IOException {
		try (Browser ann = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			ann.join("ann");
			bob.join("bob");
			ann.waitFor("bob online on ann's page", () -> ann.online().equals(List.of("ann", "bob")));
			assertThat(bob.online()).containsExactly("ann", "bob");
			ann.say("Hello Bob, how is the weather?");
			bob.waitFor("ann's message on bob's page",
					() -> bob.posts().contains("ann: Hello Bob, how is the weather?"));
			bob.say("Sunny, Ann! ☀");
			ann.waitFor("bob's answer on ann's page", () -> ann.posts().contains("bob: Sunny, Ann! ☀"));
			assertThat(ann.messages()).contains("bob joined");
			saveSideBySide(Path.of("target/screenshots/two-pages-chatting.png"), ann.screenshot(), bob.screenshot());
			bob.close();
			ann.waitFor("bob gone from ann's list", () -> ann.online().equals(List.of("ann")));
			ann.waitFor("bob's leave notice", () -> ann.messages().contains("bob left"));
		}
	}

	@Test
	void newcomerSeesRecentMessages() {
		try (Browser ann = new Browser().open(url())) {
			ann.join("early");
			ann.say("said before you came");
			ann.waitFor("own message shown", () -> ann.posts().contains("early: said before you came"));
			try (Browser late = new Browser().open(url())) {
				late.join("late");
				late.waitFor("history shown", () -> late.posts().contains("early: said before you came"));
			}
		}
	}

	@Test
	void htmlInANicknameIsShownAsTextAndCreatesNoElement() {
		String nickname = "<img src=x onerror=alert(1)>";
		try (Browser mallory = new Browser().open(url()); Browser alice = new Browser().open(url())) {
			alice.join("alice");
			mallory.join(nickname);
			mallory.say("<b>bold?</b>");
			alice.waitFor("mallory's post as text", () -> alice.posts().contains(nickname + ": <b>bold?</b>"));
			assertThat(alice.online()).contains(nickname);
			assertThat(alice.messages()).contains(nickname + " joined");
			for (Browser page : List.of(alice, mallory)) {
				assertThat(page.count("img")).isZero();
				assertThat(page.count("#messages b")).isZero();
				assertThatExceptionOfType(NoAlertPresentException.class)
					.isThrownBy(() -> page.driver().switchTo().alert());
			}
		}
	}

	@Test
	void requestResolvesWithTheReplyAndRejectsOnErrorAndTimeout() {
		try (Browser page = new Browser().open(url())) {
			page.join("requester");
			Object reply = page.script("const done = arguments[0];"
					+ "Ambiorix.request('join', {nickname: 'requester'}).then((r) => done('resolved ' + r.room),"
					+ " (e) => done('rejected ' + e.code));");
			assertThat(reply).isEqualTo("resolved general");
			Object error = page.script("const done = arguments[0];"
					+ "Ambiorix.request('no-such-name', 1).then(() => done('resolved'), (e) => done(e.code + ': ' + e.message));");
			assertThat(error).isEqualTo("unknown_name: no handler for 'no-such-name'");
			Object invalid = page.script("const done = arguments[0];"
					+ "Ambiorix.request('join', {nickname: ''}).then(() => done('resolved'), (e) => done(e.code + ': ' + e.message));");
			assertThat(invalid).isEqualTo("invalid_message: nickname: must not be blank");
			Object timeout = page.script("const done = arguments[0];"
					+ "Ambiorix.request('leave', {room: 'nowhere'}, {timeout: 300}).then(() => done('resolved'), (e) => done(e.code));");
			assertThat(timeout).isEqualTo("timeout");
		}
	}

	@Test
	void roomsKeepTheirConversationsAndOnlineListsApart() {
		try (Browser ann = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			ann.join("ann-rooms");
			bob.join("bob-rooms");
			ann.joinRoom("kitchen");
			ann.waitFor("only ann in the kitchen", () -> ann.online().equals(List.of("ann-rooms")));
			ann.say("anyone hungry?");
			ann.waitFor("ann's kitchen post confirmed", () -> ann.posts().contains("ann-rooms: anyone hungry?"));
			bob.joinRoom("kitchen");
			bob.waitFor("kitchen history on bob's page", () -> bob.posts().contains("ann-rooms: anyone hungry?"));
			ann.waitFor("bob in the kitchen on ann's page",
					() -> ann.online().equals(List.of("ann-rooms", "bob-rooms")));
			bob.showRoom("general");
			assertThat(bob.posts()).doesNotContain("ann-rooms: anyone hungry?");
			bob.say("general only");
			ann.showRoom("general");
			ann.waitFor("bob's general post on ann's page", () -> ann.posts().contains("bob-rooms: general only"));
			ann.showRoom("kitchen");
			assertThat(ann.posts()).doesNotContain("bob-rooms: general only");
		}
	}

	@Test
	void aTakenNicknameIsRefusedAndTheJoinCanBeRetried() {
		try (Browser ann = new Browser().open(url()); Browser other = new Browser().open(url())) {
			ann.join("taken-name");
			other.tryJoin("Taken-Name", "general");
			other.waitFor("refusal shown", () -> other.text("join-error").contains("is taken in this room"));
			other.join("free-name");
			other.waitFor("both online", () -> other.online().equals(List.of("free-name", "taken-name")));
		}
	}

	@Test
	void aSecondTabOfOnePersonIsOnePersonInTheList() {
		try (Browser ann = new Browser().open(url()); Browser bob = new Browser().open(url())) {
			ann.join("two-tabs");
			bob.join("watcher");
			String first = ann.driver().getWindowHandle();
			ann.driver().switchTo().newWindow(WindowType.TAB);
			ann.open(url());
			ann.join("two-tabs");
			bob.waitFor("one entry for two tabs", () -> bob.online().equals(List.of("two-tabs", "watcher")));
			// Bob came after the first tab: the second tab is no newcomer.
			assertThat(bob.messages()).doesNotContain("two-tabs joined");
			ann.driver().close();
			ann.driver().switchTo().window(first);
			bob.waitFor("still online with the other tab", () -> bob.online().equals(List.of("two-tabs", "watcher")));
			assertThat(bob.messages()).doesNotContain("two-tabs left");
		}
	}

	@Test
	void bidiOverrideAndZeroWidthCharactersAreRefusedInNicknames() {
		try (Browser page = new Browser().open(url())) {
			for (String nickname : List.of("evil\u202Eann", "zero\u200Bwidth")) {
				Object answer = page.script("const done = arguments[0];" + "Ambiorix.request('join', {nickname: '"
						+ nickname + "'}).then(() => done('joined'), (e) => done(e.code + ': ' + e.message));");
				assertThat(answer)
					.isEqualTo("invalid_message: nickname: must not contain control, bidi or zero-width characters");
			}
		}
	}

	@Test
	void sayingSomethingBeforeJoiningIsAClearInvalidMessage() {
		try (Browser page = new Browser().open(url())) {
			page.waitFor("connected", () -> "open".equals(page.status()));
			Object answer = page.script("const done = arguments[0];"
					+ "Ambiorix.request('say', {room: 'general', text: 'hi'}).then(() => done('posted'),"
					+ " (e) => done(e.code + ': ' + e.message));");
			assertThat(answer).isEqualTo("invalid_message: room: join 'general' before you say something there");
		}
	}

	@Test
	void onAPhoneTheChatFitsTheScreen() {
		try (Browser phone = new Browser(390, 844).open(url())) {
			phone.join("phone");
			phone.say("from my phone");
			phone.waitFor("own post confirmed", () -> phone.posts().contains("phone: from my phone"));
			Object overflow = phone
				.script("arguments[0](document.documentElement.scrollWidth - document.documentElement.clientWidth);");
			assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
			Object fontSize = phone.script("arguments[0](getComputedStyle(document.getElementById('text')).fontSize);");
			assertThat(fontSize).isEqualTo("16px");
			assertThat(phone.driver().findElement(org.openqa.selenium.By.id("text")).isDisplayed()).isTrue();
		}
	}

	static void saveSideBySide(Path file, byte[] left, byte[] right) throws IOException {
		BufferedImage a = ImageIO.read(new ByteArrayInputStream(left));
		BufferedImage b = ImageIO.read(new ByteArrayInputStream(right));
		int gap = 12;
		BufferedImage both = new BufferedImage(a.getWidth() + gap + b.getWidth(),
				Math.max(a.getHeight(), b.getHeight()), BufferedImage.TYPE_INT_RGB);
		var graphics = both.createGraphics();
		graphics.setColor(java.awt.Color.WHITE);
		graphics.fillRect(0, 0, both.getWidth(), both.getHeight());
		graphics.drawImage(a, 0, 0, null);
		graphics.drawImage(b, a.getWidth() + gap, 0, null);
		graphics.dispose();
		Files.createDirectories(file.getParent());
		ImageIO.write(both, "png", file.toFile());
	}

}

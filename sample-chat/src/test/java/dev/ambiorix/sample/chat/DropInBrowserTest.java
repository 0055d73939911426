package dev.ambiorix.sample.chat;

import java.time.Duration;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pages use the client the way Ambiorix's own is used, through its globals
 * {@code ambiorixSocket} and {@code parseCookie}, or import it as an ES module; the pages
 * are {@code static/ambiorix-globals-example.html} and
 * {@code static/ambiorix-module-example.html} in the test resources.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DropInBrowserTest {

	@LocalServerPort
	int port;

	@Test
	void pageUsingAmbiorixSocketAndParseCookieWorksUnchanged() {
		try (Browser page = new Browser().open(url("/ambiorix-globals-example.html"))) {
			page.driver().manage().addCookie(new Cookie("user", "Ann%20B"));
			page.driver().navigate().refresh();
			assertThat(greeting(page)).isEqualTo("Hello, Ann B");
			assertThat(page.driver().executeScript("return ambiorixSocket instanceof WebSocket")).isEqualTo(true);
		}
	}

	@Test
	void pageImportingTheModuleWorks() {
		try (Browser page = new Browser().open(url("/ambiorix-module-example.html"))) {
			page.driver().manage().addCookie(new Cookie("user", "Bo"));
			page.driver().navigate().refresh();
			assertThat(greeting(page)).isEqualTo("Hello, Bo");
			assertThat(page.driver().executeScript("return typeof Ambiorix + ' ' + typeof ambiorixSocket"))
				.isEqualTo("undefined undefined");
		}
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	private static String greeting(Browser page) {
		return new WebDriverWait(page.driver(), Duration.ofSeconds(10)).until((driver) -> {
			String text = driver.findElement(By.id("greeting")).getText();
			return text.isEmpty() ? null : text;
		});
	}

	@TestConfiguration
	static class WhoAmIConfiguration {

		@Bean
		WhoAmI whoAmI() {
			return new WhoAmI();
		}

	}

	/**
	 * Greets the user the page read from its cookie.
	 */
	static class WhoAmI {

		@Receive("whoami")
		void whoami(String user, WebSocketClient ws) {
			ws.send("greeting", "Hello, " + user);
		}

	}

}

package dev.ambiorix.sample.chat;

import java.time.Duration;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page written exactly like Ambiorix's documentation example works unchanged: the page
 * is {@code static/ambiorix-docs-example.html} in the test resources, and the server side
 * is the documentation's {@code hello} handler in Java.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DocumentationExampleBrowserTest {

	@LocalServerPort
	int port;

	@Test
	void documentationExampleWorksUnchanged() {
		try (Browser page = new Browser().open("http://127.0.0.1:" + this.port + "/ambiorix-docs-example.html")) {
			page.driver().findElement(By.id("send")).click();
			String alert = new WebDriverWait(page.driver(), Duration.ofSeconds(10))
				.until(ExpectedConditions.alertIsPresent())
				.getText();
			assertThat(alert).isEqualTo("Hello back! (sent from Java)");
		}
	}

	@TestConfiguration
	static class HelloConfiguration {

		@Bean
		Hello hello() {
			return new Hello();
		}

	}

	/**
	 * Ambiorix's {@code app$receive("hello", \(msg, ws){ ws$send("hello", ...) })}.
	 */
	static class Hello {

		@Receive("hello")
		void hello(String msg, WebSocketClient ws) {
			ws.send("hello", "Hello back! (sent from Java)");
		}

	}

}

package dev.ambiorix.sample.chat;

import java.io.IOException;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server goes away and comes back on the same port: the page reconnects by itself,
 * and what was typed meanwhile is delivered.
 */
class ReconnectBrowserTest {

	@Test
	void pageReconnectsAndDeliversWhatWasTypedWhileTheServerWasDown() throws IOException {
		int port = freePort();
		ConfigurableApplicationContext server = start(port);
		try (Browser page = new Browser().open("http://127.0.0.1:" + port + "/")) {
			page.join("patient");
			server.close();
			page.waitFor("the page notices", () -> "reconnecting".equals(page.status()));
			page.say("typed while the server was down");
			assertThat(page.count("#messages li.pending")).isEqualTo(1);
			server = start(port);
			page.waitFor("reconnected", () -> "open".equals(page.status()));
			page.waitFor("queued message delivered",
					() -> page.posts().contains("patient: typed while the server was down"));
			assertThat(page.online()).containsExactly("patient");
			assertThat(page.count("#messages li.pending")).isZero();
		}
		finally {
			server.close();
		}
	}

	private static ConfigurableApplicationContext start(int port) {
		return new SpringApplicationBuilder(ChatApplication.class)
			.properties("server.port=" + port, "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run("--management.server.port=0");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

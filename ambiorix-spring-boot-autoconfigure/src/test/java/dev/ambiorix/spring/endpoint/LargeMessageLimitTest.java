package dev.ambiorix.spring.endpoint;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A size limit raised above the containers' own defaults (64 KiB for Jetty's whole
 * messages) is the one that applies, on either container.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "ambiorix.websocket.max-text-message-size=256KB")
class LargeMessageLimitTest {

	@LocalServerPort
	int port;

	@Test
	void messageUnderARaisedLimitArrivesWhole() {
		String text = "é".repeat(60_000);
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("shout", text);
			assertThat(client.next().message().stringValue()).isEqualTo(text.toUpperCase());
		}
	}

	@Test
	void messageOverARaisedLimitClosesWith1009() throws Exception {
		// Raw frames: the send of an oversized frame may fail halfway, which the test
		// tolerates.
		try (TestClient client = TestClient.connect(this.port)) {
			try {
				client.send("shout", "x".repeat(300_000));
			}
			catch (CompletionException ex) {
				// Jetty closes as soon as the limit is passed, which may be before the
				// client has written the rest: then the client's send fails.
			}
			assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
		}
	}

}

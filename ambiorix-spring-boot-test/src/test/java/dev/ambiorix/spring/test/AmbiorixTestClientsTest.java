package dev.ambiorix.spring.test;

import java.time.Duration;
import java.util.List;

import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.spring.test.GreetingApplication.Greeting;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A {@code @SpringBootTest} gets connected clients in one line.
 */
@SpringBootTest(classes = GreetingApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class AmbiorixTestClientsTest {

	@Autowired
	private AmbiorixTestClients clients;

	@LocalServerPort
	private int port;

	@Test
	void theFactoryIsInjectedAndPointsAtTheRandomPort() {
		assertThat(this.clients.uri()).hasToString("ws://127.0.0.1:" + this.port + "/");
	}

	@Test
	void aConnectedClientRequestsInOneLine() {
		try (AmbiorixTestClient client = this.clients.connect()) {
			assertThat(client.request("greet", "Ada", String.class)).isEqualTo("Hello, Ada");
		}
	}

	@Test
	void aFailedRequestThrowsWithTheServersCode() {
		try (AmbiorixTestClient client = this.clients.connect()) {
			assertThatExceptionOfType(AmbiorixErrorException.class)
				.isThrownBy(() -> client.request("nobody", null, String.class))
				.satisfies((error) -> assertThat(error.code()).isEqualTo("unknown_name"));
		}
	}

	@Test
	void awaitMessageReturnsWhatTheOthersWereSentAndAwaitNoMessageWhatTheSenderWasNot() {
		try (AmbiorixTestClient ada = this.clients.connect(); AmbiorixTestClient grace = this.clients.connect()) {
			ada.send("announce", "lunch");
			assertThat(grace.awaitMessage("announcement", Greeting.class)).isEqualTo(new Greeting("everyone", "lunch"));
			ada.awaitNoMessage("announcement", Duration.ofMillis(300));
		}
	}

	@Test
	void awaitMessageConvertsToGenericTypes() {
		try (AmbiorixTestClient client = this.clients.connect()) {
			client.send("greetings", null);
			assertThat(client.awaitMessage("greetings", new TypeReference<List<Greeting>>() {
			})).containsExactly(new Greeting("Ada", "hi"), new Greeting("Grace", "hello"));
		}
	}

	@Test
	void awaitMessageFailsNamingWhatArrivedInstead() {
		try (AmbiorixTestClient client = this.clients.connect()) {
			client.send("greetings", null);
			assertThat(client.awaitMessage("greetings")).isNotNull();
			client.send("greetings", null);
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.awaitMessage("announcement", Duration.ofMillis(500)))
				.withMessageContaining("No message 'announcement'");
		}
	}

	@Test
	void awaitNoMessageFailsWhenOneArrives() {
		try (AmbiorixTestClient client = this.clients.connect()) {
			client.send("greetings", null);
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> client.awaitNoMessage("greetings", Duration.ofSeconds(10)))
				.withMessageContaining("Expected no message 'greetings'");
		}
	}

}

package dev.ambiorix.spring.handler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payload types, resolved parameters and replies, over a real connection: our client, and
 * the raw-frame client where a test checks the exact wire form.
 */
@SpringBootTest(classes = { TestApplication.class, HandlerInvocationTest.Gate.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class HandlerInvocationTest {

	@LocalServerPort
	int port;

	@Autowired
	Gate gate;

	AmbiorixConnection client;

	@BeforeEach
	void connect() {
		this.client = AmbiorixConnection.connect(this.port);
	}

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void recordPayloadIsConvertedAndValidated() {
		this.client.send("chat", Map.of("user", "ann", "text", "hello"));
		assertThat(this.client.next().message().toString()).isEqualTo("{\"user\":\"ann\",\"text\":\"HELLO\"}");
	}

	@Test
	void listOfRecordsKeepsItsElementType() {
		this.client.send("users", List.of(Map.of("user", "ann", "text", "a"), Map.of("user", "bob", "text", "b")));
		assertThat(this.client.next().message().toString()).isEqualTo("[\"ann\",\"bob\"]");
	}

	@Test
	void validationOfAListNamesTheElement() {
		this.client.send("users", List.of(Map.of("user", "ann", "text", "a"), Map.of("user", "", "text", "b")));
		assertThat(this.client.nextError("invalid_message").detail()).isEqualTo("[1].user: must not be blank");
	}

	@Test
	void intPayload() {
		this.client.send("increment", 41);
		assertThat(this.client.next().message().intValue()).isEqualTo(42);
	}

	@Test
	void missingMessageForAnIntIsInvalidMessage() {
		try (TestClient raw = TestClient.connect(this.port)) {
			raw.sendText("{\"name\":\"increment\",\"isAmbiorix\":true}");
			assertThat(raw.nextError("invalid_message").get("detail").stringValue()).startsWith("message:");
		}
	}

	@Test
	void stringPayload() {
		this.client.send("shout", "hi");
		assertThat(this.client.next().message().stringValue()).isEqualTo("HI");
	}

	@Test
	void jsonNodePayloadIsPassedAsIs() {
		this.client.send("echo", Map.of("nested", List.of(1, "two", Map.of("three", true))));
		assertThat(this.client.next().message().toString()).isEqualTo("{\"nested\":[1,\"two\",{\"three\":true}]}");
	}

	@Test
	void mapPayload() {
		this.client.send("map", Map.of("a", 1));
		assertThat(this.client.next().message().toString()).isEqualTo("{\"a\":1}");
	}

	@Test
	void contextParametersAreResolvedByType() {
		this.client.send("whoami", null);
		JsonNode answer = this.client.next().message();
		assertThat(answer.get("id").stringValue()).isNotBlank();
		assertThat(answer.get("principal").isNull()).isTrue();
		assertThat(answer.get("session").booleanValue()).isTrue();
		assertThat(answer.get("count").intValue()).isPositive();
	}

	@Test
	void voidHandlerSendsNothing() {
		this.client.send("silent", "x");
		this.client.send("shout", "after");
		AmbiorixConnection.Received next = this.client.next();
		assertThat(next.name()).isEqualTo("shout");
		assertThat(next.message().stringValue()).isEqualTo("AFTER");
	}

	@Test
	void repliesCarryNumericAndStringIds() {
		try (TestClient raw = TestClient.connect(this.port)) {
			raw.request("shout", "a", 17);
			raw.request("shout", "b", "req-2");
			raw.request("shout", "c", 1.5);
			assertThat(raw.nextText())
				.isEqualTo("{\"name\":\"shout\",\"message\":\"A\",\"isAmbiorix\":true,\"id\":17}");
			assertThat(raw.nextText())
				.isEqualTo("{\"name\":\"shout\",\"message\":\"B\",\"isAmbiorix\":true,\"id\":\"req-2\"}");
			assertThat(raw.next().get("id").doubleValue()).isEqualTo(1.5);
		}
	}

	@Test
	void replyWithoutIdWhenTheRequestHadNone() {
		try (TestClient raw = TestClient.connect(this.port)) {
			raw.send("shout", "a");
			assertThat(raw.next().has("id")).isFalse();
		}
	}

	@Test
	void completionStageRepliesWhenItCompletes() {
		// The client matches the reply to this request by its id.
		assertThat(this.client.request("later", "x").stringValue()).isEqualTo("later:x");
	}

	@Test
	void repliesFromOneConnectionComeBackInTheOrderSent() {
		// Raw frames: the order of the replies on the wire, by their ids.
		try (TestClient raw = TestClient.connect(this.port)) {
			List<Integer> sent = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				raw.request("increment", i, i);
				sent.add(i);
			}
			List<Integer> ids = new ArrayList<>();
			for (int i = 0; i < 500; i++) {
				JsonNode reply = raw.next();
				assertThat(reply.get("message").intValue()).isEqualTo(reply.get("id").intValue() + 1);
				ids.add(reply.get("id").intValue());
			}
			assertThat(ids).isEqualTo(sent);
		}
	}

	@Test
	void blockingHandlerDoesNotDelayOtherConnections() {
		try (AmbiorixConnection other = AmbiorixConnection.connect(this.port)) {
			this.client.send("block", null);
			this.gate.awaitBlocked();
			// Answered while the other connection's handler is still blocked.
			other.send("shout", "quick");
			assertThat(other.next().message().stringValue()).isEqualTo("QUICK");
			assertThat(this.gate.isBlocked()).isTrue();
			this.gate.open();
			assertThat(this.client.next().message().stringValue()).isEqualTo("unblocked");
		}
	}

	/**
	 * A handler that blocks until the test opens the gate.
	 */
	static class Gate {

		private final CountDownLatch blocked = new CountDownLatch(1);

		private final CountDownLatch open = new CountDownLatch(1);

		@Receive("block")
		String block() throws InterruptedException {
			this.blocked.countDown();
			return this.open.await(10, TimeUnit.SECONDS) ? "unblocked" : "timed out";
		}

		void awaitBlocked() {
			try {
				assertThat(this.blocked.await(10, TimeUnit.SECONDS)).as("handler blocked").isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		boolean isBlocked() {
			return this.open.getCount() > 0;
		}

		void open() {
			this.open.countDown();
		}

	}

}

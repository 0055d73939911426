package dev.ambiorix.spring.endpoint;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each row of the protocol's error table, over a real connection: the exact outcome, then
 * proof that the same connection still works. Raw frames for what our client cannot send
 * or show; our client for the errors a well-formed envelope gets.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ProtocolErrorsTest {

	@LocalServerPort
	int port;

	@Autowired
	AmbiorixWebSocketHandler endpoint;

	TestClient client;

	@BeforeEach
	void connect() {
		this.client = TestClient.connect(this.port);
	}

	@Nullable AmbiorixConnection ours;

	@AfterEach
	void close() {
		this.client.close();
		if (this.ours != null) {
			this.ours.close();
		}
	}

	/** Our client, for the errors a well-formed envelope can get. */
	AmbiorixConnection ours() {
		AmbiorixConnection connection = this.ours;
		if (connection == null) {
			connection = AmbiorixConnection.connect(this.port);
			this.ours = connection;
		}
		return connection;
	}

	/** Our client's connection is open and routes the next envelope. */
	void assertStillWorks(AmbiorixConnection connection) {
		assertThat(connection.request("echo", "still here").stringValue()).isEqualTo("still here");
	}

	/** The connection is open and routes the next envelope. */
	void assertStillWorks() {
		this.client.request("echo", "still here", "check");
		JsonNode reply = this.client.next();
		assertThat(reply.get("name").stringValue()).isEqualTo("echo");
		assertThat(reply.get("message").stringValue()).isEqualTo("still here");
		assertThat(reply.get("id").stringValue()).isEqualTo("check");
	}

	@Test
	void knownNameRunsTheHandler() {
		this.client.send("shout", "hi");
		assertThat(this.client.nextText()).isEqualTo("{\"name\":\"shout\",\"message\":\"HI\",\"isAmbiorix\":true}");
		assertStillWorks();
	}

	@Test
	void unknownNameGetsUnknownName() {
		this.client.request("chta", "hi", 7);
		JsonNode frame = this.client.next();
		assertThat(frame.toString()).isEqualTo("{\"name\":\"ambiorix:error\",\"message\":{\"code\":\"unknown_name\","
				+ "\"detail\":\"no handler for 'chta'\",\"name\":\"chta\"},\"isAmbiorix\":true,\"id\":7}");
		assertStillWorks();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\":\"shout\",\"message\":\"x\"}", "{\"name\":\"shout\",\"isAmbiorix\":false}",
			"{\"name\":\"shout\",\"isAmbiorix\":\"true\"}", "{\"name\":\"shout\",\"isAmbiorix\":1}", "{}",
			"{\"isAmbiorix\":null,\"name\":5}" })
	void objectWithoutIsAmbiorixTrueIsIgnoredSilently(String frame) {
		long ignoredBefore = this.endpoint.counters().ignored();
		this.client.sendText(frame);
		// The next frame the client receives is the answer to the check, not to the
		// ignored frame.
		assertStillWorks();
		assertThat(this.endpoint.counters().ignored()).isGreaterThan(ignoredBefore);
	}

	@ParameterizedTest
	@ValueSource(strings = { "hello", "{\"name\":", "{'name':'shout','isAmbiorix':true}", "",
			"{\"name\":\"shout\",\"isAmbiorix\":true} {}", "{\"name\":\"shout\",\"isAmbiorix\":true}x",
			"{\"name\":\"shout\",\"name\":\"echo\",\"isAmbiorix\":true}",
			"{\"name\":\"echo\",\"message\":{\"a\":1,\"a\":2},\"isAmbiorix\":true}" })
	void textThatIsNotJsonOrHasDuplicateKeysOrTrailingDataGetsInvalidJson(String frame) {
		this.client.sendText(frame);
		JsonNode error = this.client.nextError("invalid_json");
		assertThat(error.get("detail").stringValue()).isNotBlank();
		assertStillWorks();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[1,2]", "\"text\"", "42", "null", "true" })
	void jsonThatIsNotAnObjectGetsInvalidEnvelope(String frame) {
		this.client.sendText(frame);
		this.client.nextError("invalid_envelope");
		assertStillWorks();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"message\":1,\"isAmbiorix\":true,\"id\":3}",
			"{\"name\":null,\"isAmbiorix\":true,\"id\":3}", "{\"name\":42,\"isAmbiorix\":true,\"id\":3}",
			"{\"name\":[\"a\"],\"isAmbiorix\":true,\"id\":3}", "{\"name\":\"\",\"isAmbiorix\":true,\"id\":3}" })
	void missingNonStringOrEmptyNameGetsInvalidEnvelopeWithTheId(String frame) {
		this.client.sendText(frame);
		JsonNode frameReceived = this.client.next();
		assertThat(frameReceived.get("message").get("code").stringValue()).isEqualTo("invalid_envelope");
		assertThat(frameReceived.get("id").intValue()).isEqualTo(3);
		assertStillWorks();
	}

	@Test
	void nameOfMoreThan256CharactersGetsInvalidEnvelope() {
		this.client.send("x".repeat(257), "hi");
		JsonNode error = this.client.nextError("invalid_envelope");
		assertThat(error.get("detail").stringValue()).contains("256");
		assertThat(error.has("name")).isFalse();
		assertStillWorks();
	}

	@Test
	void nameOf256CharactersIsValid() {
		ours().send("x".repeat(256), "hi");
		assertThat(ours().nextError("unknown_name").name()).hasSize(256);
		assertStillWorks(ours());
	}

	@Test
	void heartbeatProbeIsAnsweredWithPongAndCountsNoError() {
		this.client.request("ambiorix:ping", null, "ambiorix:ping:1");
		assertThat(this.client.nextText())
			.isEqualTo("{\"name\":\"ambiorix:pong\",\"message\":null,\"isAmbiorix\":true,\"id\":\"ambiorix:ping:1\"}");
	}

	@Test
	void reservedNameGetsInvalidEnvelope() {
		this.client.request("ambiorix:error", "spoof", "r1");
		JsonNode frame = this.client.next();
		assertThat(frame.get("message").get("code").stringValue()).isEqualTo("invalid_envelope");
		assertThat(frame.get("message").get("detail").stringValue()).contains("reserved");
		assertThat(frame.get("id").stringValue()).isEqualTo("r1");
		assertStillWorks();
	}

	@Test
	void idThatIsNeitherStringNorNumberGetsInvalidEnvelope() {
		this.client.sendText("{\"name\":\"shout\",\"message\":\"x\",\"isAmbiorix\":true,\"id\":{\"a\":1}}");
		this.client.nextError("invalid_envelope");
		assertStillWorks();
	}

	@Test
	void payloadOfTheWrongTypeGetsInvalidMessage() {
		AmbiorixErrorException error = ours().requestError("increment", "not a number", "invalid_message");
		assertThat(error.name()).isEqualTo("increment");
		assertThat(error.detail()).startsWith("message: expected a number");
		assertStillWorks(ours());
	}

	@Test
	void nestedFieldOfTheWrongTypeNamesItsPath() {
		ours().send("count", java.util.List.of(java.util.Map.of("user", "a", "text", "b"),
				java.util.Map.of("user", java.util.List.of(1), "text", "c")));
		assertThat(ours().nextError("invalid_message").detail()).isEqualTo("[1].user: expected a string");
		assertStillWorks(ours());
	}

	@Test
	void payloadFailingValidationGetsInvalidMessageNamingTheField() {
		ours().send("chat", java.util.Map.of("user", " ", "text", "hi"));
		assertThat(ours().nextError("invalid_message").detail()).isEqualTo("user: must not be blank");
		assertStillWorks(ours());
	}

	@Test
	void nestedValidationFailuresAreAllNamedWithTheirPaths() {
		ours().send("order", java.util.Map.of("quantity", 0, "note", java.util.Map.of("user", "", "text", "x")));
		assertThat(ours().nextError("invalid_message").detail())
			.isEqualTo("note.user: must not be blank; quantity: must be greater than 0");
		assertStillWorks(ours());
	}

	@Test
	void handlerThatThrowsGetsHandlerErrorWithoutItsDetails() {
		// The error reaches this request: it carries the request's id.
		assertThat(ours().requestError("fail", null, "handler_error").detail()).doesNotContain("hunter2")
			.doesNotContain("IllegalStateException")
			.doesNotContain("at dev.");
		assertStillWorks(ours());
	}

	@Test
	void completionStageThatFailsGetsHandlerError() {
		assertThat(ours().requestError("failLater", null, "handler_error").detail()).doesNotContain("secret");
		assertStillWorks(ours());
	}

	@Test
	void binaryFrameGetsUnsupportedFrame() {
		this.client.sendBinary("{\"name\":\"shout\",\"isAmbiorix\":true}".getBytes(StandardCharsets.UTF_8));
		this.client.nextError("unsupported_frame");
		assertStillWorks();
	}

	@Test
	void frameOverTheSizeLimitClosesWith1009() throws Exception {
		this.client.send("shout", "x".repeat(64 * 1024));
		assertThat(this.client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
	}

	@Test
	void frameJustUnderTheSizeLimitIsHandled() {
		String envelope = TestClient.envelope("shout", "", null);
		this.client.send("shout", "x".repeat(64 * 1024 - envelope.length()));
		assertThat(this.client.next().get("message").stringValue()).hasSize(64 * 1024 - envelope.length());
		assertStillWorks();
	}

}

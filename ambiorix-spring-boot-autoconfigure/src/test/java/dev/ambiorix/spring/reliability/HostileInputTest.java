package dev.ambiorix.spring.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A corpus of hostile frames over a real connection, each with its documented outcome,
 * while a bystander receives every message of a broadcast stream that runs throughout.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.rate-limit.messages-per-second=200",
				"ambiorix.websocket.rate-limit.burst=200", "ambiorix.websocket.rate-limit.max-violations=0" })
class HostileInputTest {

	private static final String VALID = "{\"name\":\"shout\",\"message\":\"hi\",\"isAmbiorix\":true}";

	private static final int SIZE_LIMIT = 64 * 1024;

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	private final ScheduledExecutorService broadcaster = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger broadcasts = new AtomicInteger();

	private final List<AutoCloseable> opened = new ArrayList<>();

	private @Nullable TestClient hostile;

	@AfterEach
	void cleanUp() throws Exception {
		this.broadcaster.shutdownNow();
		for (AutoCloseable closeable : this.opened) {
			closeable.close();
		}
	}

	@TestFactory
	Stream<DynamicTest> eachHostileFrameGetsItsDocumentedOutcomeAndTheBystanderMissesNothing() {
		AmbiorixConnection bystander = open(AmbiorixConnection.connect(this.port));
		this.hostile = open(TestClient.connect(this.port));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
		this.broadcaster.scheduleAtFixedRate(() -> this.clients.broadcast("tick", this.broadcasts.getAndIncrement()), 0,
				2, TimeUnit.MILLISECONDS);
		List<DynamicTest> tests = new ArrayList<>();
		for (HostileFrame frame : corpus()) {
			tests.add(DynamicTest.dynamicTest(frame.label() + " -> " + frame.outcome(), () -> {
				int before = this.broadcasts.get();
				frame.check().run();
				// However fast the frame was handled, the stream ran around it.
				await().atMost(Duration.ofSeconds(5)).until(() -> this.broadcasts.get() >= before + 2);
			}));
		}
		tests.add(DynamicTest.dynamicTest("the bystander received every broadcast, in order",
				() -> assertBystanderReceivedEveryBroadcast(bystander)));
		return tests.stream();
	}

	private List<HostileFrame> corpus() {
		List<HostileFrame> corpus = new ArrayList<>();
		// Every row of the protocol's table.
		corpus.add(reply("valid envelope, known name", VALID,
				(reply) -> assertThat(reply.get("message").stringValue()).isEqualTo("HI")));
		corpus.add(error("valid envelope, unknown name", envelope("chta", "1"), "unknown_name"));
		corpus.add(silence("object without isAmbiorix", "{\"name\":\"shout\",\"message\":\"x\"}"));
		corpus.add(silence("isAmbiorix as the string \"true\"", "{\"name\":\"shout\",\"isAmbiorix\":\"true\"}"));
		corpus.add(error("text that is not JSON", "hello", "invalid_json"));
		corpus
			.add(error("duplicate keys", "{\"name\":\"shout\",\"name\":\"echo\",\"isAmbiorix\":true}", "invalid_json"));
		corpus.add(error("trailing data", VALID + " {}", "invalid_json"));
		corpus.add(error("JSON that is not an object", "[1,2]", "invalid_envelope"));
		corpus.add(error("null", "null", "invalid_envelope"));
		corpus.add(error("name missing", "{\"message\":1,\"isAmbiorix\":true}", "invalid_envelope"));
		corpus.add(error("name not a string", "{\"name\":42,\"isAmbiorix\":true}", "invalid_envelope"));
		corpus.add(error("empty name", envelope("", "1"), "invalid_envelope"));
		corpus.add(error("name of 257 characters", envelope("x".repeat(257), "1"), "invalid_envelope"));
		corpus.add(error("reserved name", envelope("ambiorix:error", "1"), "invalid_envelope"));
		corpus.add(error("id that is an object", "{\"name\":\"shout\",\"isAmbiorix\":true,\"id\":{}}",
				"invalid_envelope"));
		corpus.add(error("message of the wrong type", envelope("increment", "\"x\""), "invalid_message"));
		corpus.add(
				error("message failing @Valid", envelope("chat", "{\"user\":\" \",\"text\":\"hi\"}"), "invalid_message",
						(error) -> assertThat(error.get("detail").stringValue()).isEqualTo("user: must not be blank")));
		corpus.add(error("handler that throws", envelope("fail", "null"), "handler_error",
				(error) -> assertThat(error.get("detail").stringValue()).doesNotContain("hunter2")));
		corpus.add(new HostileFrame("binary frame", "error unsupported_frame", () -> {
			hostile().sendBinary(VALID.getBytes(StandardCharsets.UTF_8));
			assertError(answer(hostile()), "unsupported_frame");
			assertStillWorks();
		}));
		// What a careless or hostile client may send.
		corpus.add(error("NaN", envelope("echo", "NaN"), "invalid_json"));
		corpus.add(error("Infinity", envelope("echo", "Infinity"), "invalid_json"));
		corpus.add(error("-Infinity", envelope("echo", "-Infinity"), "invalid_json"));
		corpus.add(error("block comment", "{/* hi */\"name\":\"shout\",\"isAmbiorix\":true}", "invalid_json"));
		corpus.add(error("line comment", "{\"name\":\"shout\",\"isAmbiorix\":true // hi\n}", "invalid_json"));
		corpus.add(error("single quotes", "{'name':'shout','isAmbiorix':true}", "invalid_json"));
		corpus.add(error("trailing comma in an object", "{\"name\":\"shout\",\"isAmbiorix\":true,}", "invalid_json"));
		corpus.add(error("trailing comma in an array", envelope("echo", "[1,2,]"), "invalid_json"));
		corpus.add(error("leading byte-order mark", "\uFEFF" + VALID, "invalid_json"));
		corpus.add(error("1,001-digit number", envelope("echo", "9".repeat(1001)), "invalid_json"));
		corpus.add(error("1e999999999", envelope("echo", "1e999999999"), "invalid_json",
				(error) -> assertThat(error.get("detail").stringValue()).contains("out of the range")));
		String manyKeys = IntStream.range(0, 6000)
			.mapToObj((i) -> "\"k" + i + "\":0")
			.collect(Collectors.joining(",", "{", "}"));
		corpus.add(reply("6,000 keys in one object", envelope("echo", manyKeys),
				(reply) -> assertThat(reply.get("message").properties()).hasSize(6000)));
		corpus.add(error("name __proto__", envelope("__proto__", "1"), "unknown_name",
				(error) -> assertThat(error.get("name").stringValue()).isEqualTo("__proto__")));
		corpus.add(reply("key __proto__ in a map message", envelope("map", "{\"__proto__\":{\"admin\":true}}"),
				(reply) -> assertThat(reply.get("message").get("__proto__").get("admin").booleanValue()).isTrue()));
		corpus.add(error("name ../../etc/passwd", envelope("../../etc/passwd", "1"), "unknown_name"));
		corpus.add(error("raw control character in a string", envelope("echo", "\"a\u0001b\""), "invalid_json"));
		corpus.add(error("escaped control characters in the name", envelope("\\u0000\\u001b[2J", "1"), "unknown_name",
				(error) -> assertThat(error.get("name").stringValue()).isEqualTo("\u0000\u001b[2J")));
		corpus.add(error("10 KB name", envelope("n".repeat(10 * 1024), "1"), "invalid_envelope",
				(error) -> assertThat(error.has("name")).isFalse()));
		corpus.add(error("10 KB key", envelope("echo", "{\"" + "k".repeat(10 * 1024) + "\":1}"), "invalid_json"));
		corpus.add(error("empty frame", "", "invalid_json"));
		corpus.add(error("60,000 levels of nesting", envelope("echo", "[".repeat(60_000)), "invalid_json"));
		corpus.add(reply("60 KB string", envelope("echo", "\"" + "s".repeat(60 * 1024) + "\""),
				(reply) -> assertThat(reply.get("message").stringValue()).hasSize(60 * 1024)));
		corpus.add(reply("lone surrogate", envelope("echo", "\"\\ud800\""),
				(reply) -> assertThat(reply.get("message").stringValue()).isEqualTo("\ud800")));
		corpus.add(reply("31-digit id",
				"{\"name\":\"shout\",\"message\":\"a\",\"isAmbiorix\":true,"
						+ "\"id\":1234567890123456789012345678901}",
				(reply) -> assertThat(reply.get("id").bigIntegerValue())
					.hasToString("1234567890123456789012345678901")));
		corpus.add(new HostileFrame("fragments of one message under the limit", "reply", () -> {
			try (RawWebSocket raw = RawWebSocket.connect(this.port, 64 * 1024)) {
				byte[] whole = envelope("shout", "\"" + "f".repeat(30_000) + "\"").getBytes(StandardCharsets.UTF_8);
				sendInFragments(raw, whole, 4);
				String reply = nextNonTick(raw);
				assertThat(reply).isEqualTo(envelope("shout", "\"" + "F".repeat(30_000) + "\""));
			}
		}));
		corpus.add(new HostileFrame("more frames per second than the rate limit", "error rate_limited", () -> {
			int frames = 400;
			for (int i = 0; i < frames; i++) {
				hostile().request("increment", i, i);
			}
			int replies = 0;
			int limited = 0;
			for (int i = 0; i < frames; i++) {
				JsonNode answer = answer(hostile());
				assertThat(answer.get("id").intValue()).as("answers in order, none lost").isEqualTo(i);
				if (answer.get("name").stringValue().equals("increment")) {
					assertThat(answer.get("message").intValue()).isEqualTo(i + 1);
					replies++;
				}
				else {
					assertError(answer, "rate_limited");
					limited++;
				}
			}
			assertThat(replies).isPositive();
			assertThat(limited).isPositive();
		}));
		// These end their connection, so each uses a connection of its own.
		corpus.add(new HostileFrame("message over the size limit", "close 1009", () -> {
			try (TestClient client = TestClient.connect(this.port)) {
				client.send("shout", "x".repeat(SIZE_LIMIT));
				assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
			}
		}));
		corpus.add(new HostileFrame("fragments adding up past the size limit", "close 1009", () -> {
			try (RawWebSocket raw = RawWebSocket.connect(this.port, 64 * 1024)) {
				byte[] whole = envelope("shout", "\"" + "f".repeat(SIZE_LIMIT) + "\"").getBytes(StandardCharsets.UTF_8);
				sendInFragments(raw, whole, 5);
				assertThat(closeCode(raw)).isEqualTo(1009);
			}
		}));
		corpus.add(new HostileFrame("text frame that is not UTF-8", "close 1007", () -> {
			try (RawWebSocket raw = RawWebSocket.connect(this.port, 64 * 1024)) {
				raw.sendFrame(true, 1, new byte[] { '"', (byte) 0xC3, 0x28, '"' });
				assertThat(closeCode(raw)).isEqualTo(1007);
			}
		}));
		return corpus;
	}

	private void assertBystanderReceivedEveryBroadcast(AmbiorixConnection bystander) {
		// Not shutdownNow(): an interrupt must not cut a broadcast short.
		this.broadcaster.shutdown();
		await().atMost(Duration.ofSeconds(5)).until(this.broadcaster::isTerminated);
		int sent = this.broadcasts.get();

		for (int i = 0; i < sent; i++) {
			AmbiorixConnection.Received tick = bystander.next();
			assertThat(tick.name()).isEqualTo("tick");
			assertThat(tick.message().intValue()).isEqualTo(i);
		}
		// The bystander's next message is the answer to this send: no tick came twice.
		bystander.send("shout", "after the ticks");
		AmbiorixConnection.Received answer = bystander.next();
		assertThat(answer.name()).isEqualTo("shout");
		assertThat(answer.message().stringValue()).isEqualTo("AFTER THE TICKS");
		assertThat(bystander.isOpen()).isTrue();
		System.out.printf("Hostile corpus: the bystander received %d of %d broadcasts%n", sent, sent);
	}

	private HostileFrame error(String label, String frame, String code) {
		return error(label, frame, code, (error) -> {
		});
	}

	private HostileFrame error(String label, String frame, String code, Consumer<JsonNode> check) {
		return new HostileFrame(label, "error " + code, () -> {
			hostile().sendText(frame);
			check.accept(assertError(answer(hostile()), code));
			assertStillWorks();
		});
	}

	private HostileFrame silence(String label, String frame) {
		return new HostileFrame(label, "silence", () -> {
			hostile().sendText(frame);
			// The next answer is the one to the check: nothing came for the frame.
			assertStillWorks();
		});
	}

	private HostileFrame reply(String label, String frame, Consumer<JsonNode> check) {
		return new HostileFrame(label, "reply", () -> {
			hostile().sendText(frame);
			JsonNode reply = answer(hostile());
			assertThat(reply.get("name").stringValue()).as(reply.toString()).isNotEqualTo("ambiorix:error");
			check.accept(reply);
			assertStillWorks();
		});
	}

	private static JsonNode assertError(JsonNode frame, String code) {
		assertThat(frame.get("name").stringValue()).as(frame.toString()).isEqualTo("ambiorix:error");
		JsonNode error = frame.get("message");
		assertThat(error.get("code").stringValue()).as(frame.toString()).isEqualTo(code);
		assertThat(error.get("detail").stringValue()).isNotBlank();
		return error;
	}

	private void assertStillWorks() {
		hostile().request("echo", "still here", "check");
		JsonNode reply = answer(hostile());
		assertThat(reply.get("id").stringValue()).as(reply.toString()).isEqualTo("check");
		assertThat(reply.get("message").stringValue()).isEqualTo("still here");
	}

	/** The next frame that is not part of the broadcast stream. */
	private static JsonNode answer(TestClient client) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode frame = client.next();
			if (!"tick".equals(frame.get("name").stringValue())) {
				return frame;
			}
		}
		return fail("no answer within 10 s");
	}

	/**
	 * The next whole text message that is not a tick. Reading it to its last fragment
	 * matters: closing the socket while the server is still writing fragments of it is a
	 * different test.
	 */
	private static String nextNonTick(RawWebSocket raw) throws IOException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			RawWebSocket.Frame frame = raw.readFrame();
			assertThat(frame.opcode()).as("not a close frame").isNotEqualTo(8);
			if (frame.opcode() != 1) {
				continue;
			}
			StringBuilder message = new StringBuilder(frame.text());
			while (!frame.fin()) {
				frame = raw.readFrame();
				assertThat(frame.opcode()).as("a continuation frame").isZero();
				message.append(frame.text());
			}
			if (!message.toString().startsWith("{\"name\":\"tick\"")) {
				return message.toString();
			}
		}
		return fail("no answer within 10 s");
	}

	private static int closeCode(RawWebSocket raw) throws IOException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			RawWebSocket.Frame frame = raw.readFrame();
			if (frame.opcode() == 8) {
				return frame.closeCode();
			}
		}
		return fail("no close frame within 10 s");
	}

	private static void sendInFragments(RawWebSocket raw, byte[] whole, int fragments) throws IOException {
		int size = (whole.length + fragments - 1) / fragments;
		for (int i = 0; i < fragments; i++) {
			int from = i * size;
			int to = Math.min(whole.length, from + size);
			raw.sendFrame(i == fragments - 1, (i == 0) ? 1 : 0, Arrays.copyOfRange(whole, from, to));
		}
	}

	private static String envelope(String name, String rawMessage) {
		return "{\"name\":\"" + name + "\",\"message\":" + rawMessage + ",\"isAmbiorix\":true}";
	}

	private TestClient hostile() {
		assertThat(this.hostile).isNotNull();
		return this.hostile;
	}

	private <T extends AutoCloseable> T open(T closeable) {
		this.opened.add(closeable);
		return closeable;
	}

	/**
	 * One frame of the corpus and the check of its documented outcome.
	 */
	private record HostileFrame(String label, String outcome, Check check) {
	}

	@FunctionalInterface
	private interface Check {

		void run() throws Exception;

	}

}

package dev.ambiorix.spring.reliability;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.protocol.InboundFrame;
import dev.ambiorix.spring.protocol.JsonLimits;
import dev.ambiorix.spring.protocol.NotForUs;
import dev.ambiorix.spring.protocol.ProtocolError;
import dev.ambiorix.spring.support.TestClient;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the dispatch path over a real connection: whatever a client sends to a typed
 * handler, it gets exactly the answer the protocol promises (the reply, or an error that
 * says what was wrong), and its connection stays open.
 */
class DispatchFuzzTest {

	/** Keeps every frame well under the 64 KiB limit, which closes the connection. */
	private static final int MAX_MESSAGE_LENGTH = 16 * 1024;

	/** The one handler whose failure is expected: it divides by its message. */
	private static final String THROWING_HANDLER = "divide";

	private static final Set<String> ERROR_CODES = Stream.of(ErrorCode.values())
		.map(ErrorCode::wireCode)
		.collect(Collectors.toSet());

	private static final EnvelopeReader reader = new EnvelopeReader(JsonLimits.DEFAULTS);

	private static final JsonMapper strict = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static @Nullable ConfigurableApplicationContext context;

	private static @Nullable TestClient client;

	private static long requests;

	@AfterAll
	static void stop() {
		if (client != null) {
			client.close();
		}
		if (context != null) {
			context.close();
		}
	}

	/**
	 * The input is a handler name, a newline, and the raw JSON text placed as the
	 * envelope's {@code message}, which may break the envelope itself.
	 */
	@FuzzTest(maxDuration = "60s")
	void everyMessageToATypedHandlerGetsThePromisedAnswer(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		int newline = text.indexOf('\n');
		String name = (newline < 0) ? text : text.substring(0, newline);
		String message = (newline < 0) ? "null" : text.substring(newline + 1);
		if (message.length() > MAX_MESSAGE_LENGTH) {
			message = message.substring(0, MAX_MESSAGE_LENGTH);
		}
		long id = ++requests;
		String frame = "{\"name\":" + strict.writeValueAsString(name) + ",\"message\":" + message
				+ ",\"isAmbiorix\":true,\"id\":" + id + "}";
		TestClient client = client();
		client.sendText(frame);
		// Frames of one connection are answered in order, so everything before the
		// sentinel's reply answers the fuzzed frame.
		String sentinel = "sentinel-" + id;
		client.request("echo", sentinel, sentinel);
		List<JsonNode> answers = new ArrayList<>();
		for (JsonNode next = read(client); !sentinel.equals(next.path("id").stringValue(null)); next = read(client)) {
			answers.add(next);
		}
		assertThat(client.isOpen()).as("connection still open after %s", frame).isTrue();
		assertPromisedAnswer(frame, reader.read(frame), answers);
	}

	private static void assertPromisedAnswer(String frame, InboundFrame expected, List<JsonNode> answers) {
		if (expected == NotForUs.INSTANCE) {
			assertThat(answers).as(frame).isEmpty();
			return;
		}
		assertThat(answers).as(frame).hasSize(1);
		JsonNode answer = answers.get(0);
		if (expected instanceof ProtocolError error) {
			assertError(frame, answer, error.code().wireCode());
			assertThat(answer.get("id")).as(frame).isEqualTo(error.id());
			return;
		}
		Envelope envelope = (Envelope) expected;
		assertThat(answer.get("id")).as(frame).isEqualTo(envelope.id());
		if (handlers().find(envelope.name()) == null) {
			assertError(frame, answer, "unknown_name");
		}
		else if (!answer.get("name").stringValue().equals(envelope.name())) {
			JsonNode error = assertError(frame, answer, null);
			String code = error.get("code").stringValue();
			if (envelope.name().equals(THROWING_HANDLER)) {
				assertThat(code).as(frame).isIn("invalid_message", "handler_error");
			}
			else {
				assertThat(code).as("%s answered %s", frame, answer).isEqualTo("invalid_message");
			}
			assertThat(error.get("name").stringValue()).isEqualTo(envelope.name());
		}
	}

	private static JsonNode assertError(String frame, JsonNode answer, @Nullable String code) {
		assertThat(answer.get("name").stringValue()).as("%s answered %s", frame, answer).isEqualTo("ambiorix:error");
		JsonNode error = answer.get("message");
		if (code != null) {
			assertThat(error.get("code").stringValue()).as("%s answered %s", frame, answer).isEqualTo(code);
		}
		assertThat(error.get("code").stringValue()).isIn(ERROR_CODES);
		assertThat(error.get("detail").stringValue()).isNotBlank();
		return error;
	}

	/** Reads a frame as a strict parser would, and checks Ambiorix's key order. */
	private static JsonNode read(TestClient client) {
		String text = client.nextText();
		JsonNode node = strict.readTree(text);
		List<String> keys = new ArrayList<>(node.propertyNames());
		assertThat(keys).as(text).startsWith("name", "message", "isAmbiorix").hasSizeBetween(3, 4);
		assertThat(node.get("isAmbiorix").booleanValue()).isTrue();
		return node;
	}

	private static TestClient client() {
		TestClient current = client;
		if (current == null || !current.isOpen()) {
			int port = ((WebServerApplicationContext) context()).getWebServer().getPort();
			current = TestClient.connect(port);
			client = current;
		}
		return current;
	}

	/**
	 * Starts the application on first use rather than in {@code @BeforeAll}: Jazzer's
	 * agent, which instruments the classes and enforces its network policy, is only
	 * installed once the first input runs.
	 */
	private static ConfigurableApplicationContext context() {
		if (context == null) {
			// Jazzer's SSRF detector refuses every connection unless told otherwise; this
			// test only ever connects to its own server on 127.0.0.1. The permission is
			// never withdrawn: Jazzer refuses that once fuzzing is over, and this JVM
			// runs
			// fuzz tests only.
			BugDetectors.allowNetworkConnections();
			context = new SpringApplicationBuilder(FuzzApplication.class)
				.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
						// The divide handler fails on purpose; its stack traces are
						// noise.
						"logging.level.dev.ambiorix.spring.handler.EnvelopeDispatcher=off")
				.run();
		}
		return context;
	}

	private static HandlerRegistry handlers() {
		return context().getBean(HandlerRegistry.class);
	}

	/**
	 * An application whose handlers take one parameter type each. Not a
	 * {@code @SpringBootConfiguration}, which tests that look for one would also find.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FuzzApplication {

		@Bean
		TypedHandlers typedHandlers() {
			return new TypedHandlers();
		}

	}

	enum Color {

		RED, GREEN

	}

	record Address(@NotBlank String city, @Size(max = 8) @Nullable String zip) {
	}

	record Person(@NotBlank String name, @Min(0) @Max(150) int age, @Size(max = 3) @Nullable List<String> tags,
			@Valid @Nullable Address address) {
	}

	/** Wraps every value so that a handler never returns null, which sends nothing. */
	record Got(@Nullable Object value) {
	}

	static class TypedHandlers {

		@Receive("echo")
		JsonNode echo(JsonNode message) {
			return message;
		}

		@Receive("int")
		Got anInt(int value) {
			return new Got(value);
		}

		@Receive("long")
		Got aLong(@Nullable Long value) {
			return new Got(value);
		}

		@Receive("double")
		Got aDouble(double value) {
			return new Got(value);
		}

		@Receive("boolean")
		Got aBoolean(boolean value) {
			return new Got(value);
		}

		@Receive("char")
		Got aChar(char value) {
			return new Got(value);
		}

		@Receive("string")
		Got aString(@Nullable String value) {
			return new Got(value);
		}

		@Receive("decimal")
		Got aDecimal(@Nullable BigDecimal value) {
			return new Got(value);
		}

		@Receive("enum")
		Got anEnum(@Nullable Color value) {
			return new Got(value);
		}

		@Receive("date")
		Got aDate(@Nullable LocalDate value) {
			return new Got(value);
		}

		@Receive("duration")
		Got aDuration(@Nullable Duration value) {
			return new Got(value);
		}

		@Receive("uuid")
		Got aUuid(@Nullable UUID value) {
			return new Got(value);
		}

		@Receive("bytes")
		Got bytes(byte @Nullable [] value) {
			return new Got(value);
		}

		@Receive("matrix")
		Got matrix(int @Nullable [][] value) {
			return new Got(value);
		}

		@Receive("optional")
		Got optional(@Nullable Optional<String> value) {
			return new Got(value);
		}

		@Receive("person")
		Got person(@Valid @Nullable Person value) {
			return new Got(value);
		}

		@Receive("people")
		Got people(@Valid @Nullable List<Person> value) {
			return new Got(value);
		}

		@Receive("scores")
		Got scores(@Nullable Map<String, Integer> value) {
			return new Got(value);
		}

		@Receive("nested")
		Got nested(@Nullable List<Map<String, List<Integer>>> value) {
			return new Got(value);
		}

		@Receive(THROWING_HANDLER)
		Got divide(int value) {
			return new Got(100 / value);
		}

	}

}

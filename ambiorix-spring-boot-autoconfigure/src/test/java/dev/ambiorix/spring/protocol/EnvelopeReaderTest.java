package dev.ambiorix.spring.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the reader classifies frames, with the default limits.
 */
class EnvelopeReaderTest {

	private final EnvelopeReader reader = new EnvelopeReader(JsonLimits.DEFAULTS);

	private ProtocolError error(String frame) {
		InboundFrame read = this.reader.read(frame);
		assertThat(read).as(frame).isInstanceOf(ProtocolError.class);
		return (ProtocolError) read;
	}

	@Test
	void validEnvelopeKeepsNameMessageAndId() {
		Envelope envelope = (Envelope) this.reader
			.read("{\"id\":\"a\",\"isAmbiorix\":true,\"message\":{\"x\":[1,2]},\"name\":\"chat\",\"extra\":{\"y\":1}}");
		assertThat(envelope.name()).isEqualTo("chat");
		assertThat(envelope.message().toString()).isEqualTo("{\"x\":[1,2]}");
		assertThat(envelope.id().stringValue()).isEqualTo("a");
	}

	@Test
	void absentMessageIsJsonNull() {
		Envelope envelope = (Envelope) this.reader.read("{\"name\":\"chat\",\"isAmbiorix\":true}");
		assertThat(envelope.message().isNull()).isTrue();
		assertThat(envelope.id()).isNull();
	}

	@Test
	void traceparentIsKeptWhenItIsAStringOfPlausibleLength() {
		String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
		Envelope envelope = (Envelope) this.reader
			.read("{\"name\":\"chat\",\"isAmbiorix\":true,\"traceparent\":\"" + traceparent + "\"}");
		assertThat(envelope.traceparent()).isEqualTo(traceparent);
	}

	@ParameterizedTest
	@ValueSource(strings = { "42", "null", "{\"a\":1}", "[]" })
	void traceparentThatIsNotAStringIsIgnored(String value) {
		Envelope envelope = (Envelope) this.reader
			.read("{\"name\":\"chat\",\"isAmbiorix\":true,\"traceparent\":" + value + "}");
		assertThat(envelope.traceparent()).isNull();
	}

	@Test
	void overlongTraceparentIsIgnored() {
		Envelope envelope = (Envelope) this.reader
			.read("{\"name\":\"chat\",\"isAmbiorix\":true,\"traceparent\":\"" + "0".repeat(300) + "\"}");
		assertThat(envelope.traceparent()).isNull();
		assertThat(((Envelope) this.reader.read("{\"name\":\"chat\",\"isAmbiorix\":true}")).traceparent()).isNull();
	}

	@Test
	void nullIdMeansNoId() {
		Envelope envelope = (Envelope) this.reader.read("{\"name\":\"chat\",\"isAmbiorix\":true,\"id\":null}");
		assertThat(envelope.id()).isNull();
	}

	@Test
	void objectWithoutIsAmbiorixIsNotForUsEvenWithABadName() {
		assertThat(this.reader.read("{\"name\":42}")).isEqualTo(NotForUs.INSTANCE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\":\"a\",\"isAmbiorix\":true,\"message\":NaN}",
			"{\"name\":\"a\",\"isAmbiorix\":true,\"message\":Infinity}",
			"{\"name\":\"a\",\"isAmbiorix\":true /* comment */}", "// comment\n{\"name\":\"a\",\"isAmbiorix\":true}",
			"{'name':'a','isAmbiorix':true}", "{\"name\":\"a\",\"isAmbiorix\":true,}",
			"{\"name\":\"a\",\"isAmbiorix\":true,\"message\":[1,2,]}", "\uFEFF{\"name\":\"a\",\"isAmbiorix\":true}",
			"{name:\"a\",\"isAmbiorix\":true}", "{\"name\":\"a\",\"isAmbiorix\":true,\"message\":01}",
			"{\"name\":\"a\",\"isAmbiorix\":true,\"message\":\"tab\there\"}" })
	void nonStandardJsonIsInvalidJsonWhateverTheApplicationMapperAllows(String frame) {
		assertThat(error(frame).code()).isEqualTo(ErrorCode.INVALID_JSON);
	}

	@Test
	void duplicateKeysAreNamed() {
		ProtocolError error = error("{\"name\":\"a\",\"name\":\"b\",\"isAmbiorix\":true}");
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_JSON);
		assertThat(error.detail()).contains("Duplicate").contains("name");
	}

	@Test
	void emptyFrameIsInvalidJson() {
		assertThat(error("").detail()).isEqualTo("frame is empty");
		assertThat(error("   ").code()).isEqualTo(ErrorCode.INVALID_JSON);
	}

	@Test
	void trailingDataIsInvalidJson() {
		assertThat(error("{\"name\":\"a\",\"isAmbiorix\":true}{}").code()).isEqualTo(ErrorCode.INVALID_JSON);
		assertThat(error("[1] 2").code()).isEqualTo(ErrorCode.INVALID_JSON);
	}

	@Test
	void numberLongerThanTheLimitIsInvalidJson() {
		ProtocolError error = error("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":" + "9".repeat(1001) + "}");
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_JSON);
		assertThat(error.detail()).contains("exceeds").doesNotContain("StreamReadConstraints");
	}

	@Test
	void numberBeyondTheRangeOfADoubleIsInvalidJson() {
		ProtocolError error = error("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":[1e999999999]}");
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_JSON);
		assertThat(error.detail()).contains("out of the range of a double");
		assertThat(error("{\"name\":\"a\",\"isAmbiorix\":true,\"id\":-1e400}").code())
			.isEqualTo(ErrorCode.INVALID_JSON);
		assertThat(this.reader.read("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":1.7976931348623157e308}"))
			.isInstanceOf(Envelope.class);
	}

	@Test
	void nestingDeeperThanTheLimitIsInvalidJson() {
		String deep = "[".repeat(65) + "]".repeat(65);
		assertThat(error("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":" + deep + "}").code())
			.isEqualTo(ErrorCode.INVALID_JSON);
		String allowed = "[".repeat(63) + "]".repeat(63);
		assertThat(this.reader.read("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":" + allowed + "}"))
			.isInstanceOf(Envelope.class);
	}

	@Test
	void stringLongerThanTheLimitIsInvalidJson() {
		EnvelopeReader strict = new EnvelopeReader(new JsonLimits(64, 100, 1000, 1024));
		InboundFrame read = strict.read("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":\"" + "x".repeat(101) + "\"}");
		assertThat(((ProtocolError) read).code()).isEqualTo(ErrorCode.INVALID_JSON);
	}

	@Test
	void keyLongerThanTheLimitIsInvalidJson() {
		ProtocolError error = error(
				"{\"name\":\"a\",\"isAmbiorix\":true,\"message\":{\"" + "k".repeat(1025) + "\":1}}");
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_JSON);
	}

	@Test
	void loneSurrogateEscapeIsLegalJson() {
		Envelope envelope = (Envelope) this.reader.read("{\"name\":\"a\",\"isAmbiorix\":true,\"message\":\"\\ud800\"}");
		assertThat(envelope.message().stringValue()).isEqualTo("\ud800");
	}

	@Test
	void reservedNameIsInvalidEnvelopeAndKeepsTheId() {
		ProtocolError error = error("{\"name\":\"ambiorix:spoof\",\"isAmbiorix\":true,\"id\":5}");
		assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ENVELOPE);
		assertThat(error.name()).isEqualTo("ambiorix:spoof");
		assertThat(error.id().intValue()).isEqualTo(5);
	}

	@Test
	void nonObjectJsonIsInvalidEnvelope() {
		assertThat(error("[]").code()).isEqualTo(ErrorCode.INVALID_ENVELOPE);
		assertThat(error("\"x\"").code()).isEqualTo(ErrorCode.INVALID_ENVELOPE);
	}

}

package dev.ambiorix.spring.reliability;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeNames;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import dev.ambiorix.spring.protocol.InboundFrame;
import dev.ambiorix.spring.protocol.JsonLimits;
import dev.ambiorix.spring.protocol.NotForUs;
import dev.ambiorix.spring.protocol.ProtocolError;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the envelope codec: every text is classified without an exception, and whatever
 * the writer makes of it is valid JSON in valid UTF-8 that reads back to the same
 * envelope.
 */
class EnvelopeCodecFuzzTest {

	/** An error's detail quotes at most a short excerpt of the frame, never all of it. */
	private static final int MAX_DETAIL_LENGTH = 2048;

	private static final EnvelopeReader reader = new EnvelopeReader(JsonLimits.DEFAULTS);

	private static final EnvelopeWriter writer = new EnvelopeWriter(JsonMapper.builder().build());

	private static final JsonMapper strict = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/**
	 * The input is decoded as UTF-8, as the container decodes a text frame.
	 */
	@FuzzTest(maxDuration = "60s")
	void everyFrameIsClassifiedAndWhatIsWrittenReadsBack(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		InboundFrame frame = reader.read(text);
		if (frame instanceof Envelope envelope) {
			assertThat(EnvelopeNames.problem(envelope.name())).isNull();
			String written = writer.write(envelope.name(), envelope.message(), envelope.id());
			assertValidUtf8(written);
			InboundFrame back = reader.read(written);
			assertThat(back).as(written).isInstanceOf(Envelope.class);
			Envelope again = (Envelope) back;
			assertThat(again.name()).isEqualTo(envelope.name());
			assertThat(again.message()).as(written).isEqualTo(envelope.message());
			assertThat(again.id()).as(written).isEqualTo(envelope.id());
		}
		else if (frame instanceof ProtocolError error) {
			assertThat(error.detail()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_DETAIL_LENGTH);
			String written = writer.writeError(error);
			assertValidUtf8(written);
			JsonNode node = strict.readTree(written);
			assertThat(node.propertyNames()).containsExactlyElementsOf(
					(error.id() != null) ? java.util.List.of("name", "message", "isAmbiorix", "id")
							: java.util.List.of("name", "message", "isAmbiorix"));
			assertThat(node.get("name").stringValue()).isEqualTo(EnvelopeNames.ERROR);
			assertThat(node.get("message").get("code").stringValue()).isEqualTo(error.code().wireCode());
		}
		else {
			assertThat(frame).isSameAs(NotForUs.INSTANCE);
		}
	}

	private static void assertValidUtf8(String text) {
		try {
			StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text));
		}
		catch (CharacterCodingException ex) {
			fail("not encodable as UTF-8: " + text, ex);
		}
	}

}

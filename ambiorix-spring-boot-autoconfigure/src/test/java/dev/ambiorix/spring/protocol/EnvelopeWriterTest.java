package dev.ambiorix.spring.protocol;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the writer puts on the wire.
 */
class EnvelopeWriterTest {

	private final EnvelopeWriter writer = new EnvelopeWriter(JsonMapper.builder().build());

	record Greeting(String fromUser, int times) {
	}

	@Test
	void keysAreInAmbiorixOrder() {
		assertThat(this.writer.write("greeting", "hi"))
			.isEqualTo("{\"name\":\"greeting\",\"message\":\"hi\",\"isAmbiorix\":true}");
	}

	@Test
	void nullMessageIsWrittenAsNull() {
		assertThat(this.writer.write("ping", null))
			.isEqualTo("{\"name\":\"ping\",\"message\":null,\"isAmbiorix\":true}");
	}

	@Test
	void replyCarriesTheIdLast() {
		assertThat(this.writer.write("echo", List.of(1, 2), IntNode.valueOf(7)))
			.isEqualTo("{\"name\":\"echo\",\"message\":[1,2],\"isAmbiorix\":true,\"id\":7}");
		assertThat(this.writer.write("echo", 1, StringNode.valueOf("a")))
			.isEqualTo("{\"name\":\"echo\",\"message\":1,\"isAmbiorix\":true,\"id\":\"a\"}");
	}

	@Test
	void applicationMapperConfigurationAppliesToTheMessageOnly() {
		JsonMapper snake = JsonMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.enable(SerializationFeature.INDENT_OUTPUT)
			.build();
		assertThat(new EnvelopeWriter(snake).write("greeting", new Greeting("ann", 2)))
			.isEqualTo("{\"name\":\"greeting\",\"message\":{\"from_user\":\"ann\",\"times\":2},\"isAmbiorix\":true}");
	}

	@Test
	void errorEnvelopeHasCodeDetailAndName() {
		ProtocolError error = new ProtocolError(ErrorCode.UNKNOWN_NAME, "no handler for 'chta'", "chta",
				IntNode.valueOf(7));
		assertThat(this.writer.writeError(error)).isEqualTo("{\"name\":\"ambiorix:error\",\"message\":{\"code\":"
				+ "\"unknown_name\",\"detail\":\"no handler for 'chta'\",\"name\":\"chta\"},\"isAmbiorix\":true,\"id\":7}");
	}

	@Test
	void loneSurrogatesGoOutEscapedAndPairsStayIntact() throws CharacterCodingException {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("lone\ud800", "a\udc00b\ud800");
		message.put("pair", "\ud83d\ude00");
		message.put("reversed", "\ude00\ud83d");
		String frame = this.writer.write("x", message);
		assertThat(frame).isEqualTo("{\"name\":\"x\",\"message\":{\"lone\\ud800\":\"a\\udc00b\\ud800\",\"pair\":\""
				+ "\ud83d\ude00\",\"reversed\":\"\\ude00\\ud83d\"},\"isAmbiorix\":true}");
		strictUtf8(frame);
		assertThat(JsonMapper.builder().build().readTree(frame).get("message").get("lone\ud800").stringValue())
			.isEqualTo("a\udc00b\ud800");
	}

	private static ByteBuffer strictUtf8(String text) throws CharacterCodingException {
		return StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.encode(CharBuffer.wrap(text));
	}

}

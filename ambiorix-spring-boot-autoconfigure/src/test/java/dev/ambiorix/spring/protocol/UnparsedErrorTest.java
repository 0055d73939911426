package dev.ambiorix.spring.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An error about a frame that is not parsed names what can be read off the frame's ends,
 * and nothing else.
 */
class UnparsedErrorTest {

	private final EnvelopeReader reader = new EnvelopeReader(new JsonLimits(64, 65536, 1000, 1024));

	private ProtocolError error(String text) {
		return this.reader.unparsedError(ErrorCode.RATE_LIMITED, "too fast", text);
	}

	@Test
	void nameFirstAndIdLastAreEchoed() {
		ProtocolError error = error("{\"name\":\"chat\",\"message\":{\"id\":1},\"isAmbiorix\":true,\"id\":\"r-7\"}");
		assertThat(error.name()).isEqualTo("chat");
		assertThat(error.id().stringValue()).isEqualTo("r-7");
		assertThat(error("{ \"name\" : \"chat\", \"isAmbiorix\": true, \"id\" : -12 }").id().longValue())
			.isEqualTo(-12);
	}

	@Test
	void anIdInsideTheMessageIsNotTakenForTheEnvelopesOwn() {
		assertThat(error("{\"name\":\"chat\",\"isAmbiorix\":true,\"message\":{\"id\":1}}").id()).isNull();
		assertThat(error("{\"name\":\"chat\",\"message\":\"a\\\",\\\"id\\\":5}\"}").id()).isNull();
	}

	@Test
	void framesWrittenOtherwiseGetNeither() {
		ProtocolError error = error("{\"isAmbiorix\":true,\"id\":3,\"name\":\"chat\"}");
		assertThat(error.name()).isNull();
		assertThat(error.id()).isNull();
		assertThat(error("not json").name()).isNull();
		assertThat(error("{\"name\":\"a\\\"b\",\"id\":1.5}").name()).isNull();
		assertThat(error("{\"name\":\"a\\\"b\",\"id\":1.5}").id()).isNull();
		assertThat(error("{\"name\":\"x\",\"id\":99999999999999999999}").id()).isNull();
	}

}

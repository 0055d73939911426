package dev.ambiorix.spring.session;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A frame's UTF-8 bytes are encoded once per thread and shared by every client the frame
 * reaches from that thread, and the queue's count of a frame does not change once they
 * are.
 */
class Utf8Test {

	@Test
	void theSameFrameIsEncodedOnceAndItsBytesShared() {
		String frame = new String("{\"name\":\"chat\",\"message\":\"héllo €\",\"isAmbiorix\":true}");
		byte[] first = Utf8.bytes(frame);
		assertThat(first).isEqualTo(frame.getBytes(StandardCharsets.UTF_8));
		assertThat(Utf8.length(frame)).isEqualTo(first.length);
		assertThat(Utf8.bytes(frame)).isSameAs(first);
	}

	@Test
	void anEqualButDistinctFrameIsEncodedAgain() {
		String one = new String("same text");
		String other = new String("same text");
		byte[] first = Utf8.bytes(one);
		assertThat(Utf8.bytes(other)).isEqualTo(first).isNotSameAs(first);
	}

	@Test
	void anUnpairedSurrogateKeepsTheLengthTheQueueCountedWhileItsBytesAreValidUtf8() {
		String frame = "a\uD800b";
		int counted = Utf8.length(frame);
		byte[] bytes = Utf8.bytes(frame);
		assertThat(Utf8.length(frame)).isEqualTo(counted);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("a?b");
	}

}

package dev.ambiorix.spring.session;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small frame is built once per thread, header and payload, and every client of a
 * broadcast gets its own view of the same bytes; a larger one is not shared.
 */
class SharedFrameTest {

	private static final byte TEXT = (byte) 0x81;

	private static final byte COMPRESSED_TEXT = (byte) 0xC1;

	@Test
	void eachViewHoldsTheWholeFrameWithTheHeaderForItsLength() {
		for (int length : new int[] { 0, 1, 125, 126, 127, 65, SharedFrame.MAX_BYTES - 4 }) {
			byte[] payload = new byte[length];
			Arrays.fill(payload, (byte) 'x');
			ByteBuffer frame = SharedFrame.of(TEXT, payload);
			assertThat(frame).as("frame of %d bytes", length).isNotNull();
			byte[] bytes = new byte[frame.remaining()];
			frame.get(bytes);
			byte[] header = (length < 126) ? new byte[] { (byte) 0x81, (byte) length }
					: new byte[] { (byte) 0x81, 126, (byte) (length >> 8), (byte) length };
			assertThat(Arrays.copyOf(bytes, header.length)).as("header of %d bytes", length).isEqualTo(header);
			assertThat(Arrays.copyOfRange(bytes, header.length, bytes.length)).isEqualTo(payload);
		}
	}

	@Test
	void viewsOfTheSamePayloadAreIndependentAndADifferentPayloadRewritesTheFrame() {
		byte[] first = "first".getBytes();
		ByteBuffer one = SharedFrame.of(TEXT, first);
		ByteBuffer two = SharedFrame.of(TEXT, first);
		assertThat(one).isNotNull();
		assertThat(two).isNotNull();
		one.get(new byte[one.remaining()]);
		assertThat(two.remaining()).as("a view consumed by one client leaves the next whole").isEqualTo(7);
		ByteBuffer other = SharedFrame.of(TEXT, "second!".getBytes());
		assertThat(other).isNotNull();
		assertThat(other.remaining()).isEqualTo(9);
		assertThat(other.get(2)).isEqualTo((byte) 's');
	}

	@Test
	void theSamePayloadWithAnotherFirstByteRewritesTheFrame() {
		byte[] payload = "shared".getBytes();
		ByteBuffer plain = SharedFrame.of(TEXT, payload);
		assertThat(plain).isNotNull();
		assertThat(plain.get(0)).isEqualTo(TEXT);
		ByteBuffer compressed = SharedFrame.of(COMPRESSED_TEXT, payload);
		assertThat(compressed).isNotNull();
		assertThat(compressed.get(0)).isEqualTo(COMPRESSED_TEXT);
		assertThat(compressed.get(2)).isEqualTo((byte) 's');
	}

	@Test
	void aFrameLargerThanTheSharedBufferIsNotShared() {
		assertThat(SharedFrame.of(TEXT, new byte[SharedFrame.MAX_BYTES - 3])).isNull();
	}

}

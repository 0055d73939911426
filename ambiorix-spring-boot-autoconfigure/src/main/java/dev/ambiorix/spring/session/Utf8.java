package dev.ambiorix.spring.session;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

import dev.ambiorix.spring.protocol.Utf8Length;
import org.jspecify.annotations.Nullable;

/**
 * UTF-8 sizes of frames, which is how the send buffer is counted, and their UTF-8 bytes,
 * which a transport may write as they are.
 * <p>
 * A broadcast offers one frame to every client from one thread, and an idle client's
 * queue takes it back at once on the same thread: a one-entry cache per thread, keyed by
 * the frame's identity, measures and encodes each frame about once per thread instead of
 * once per client.
 */
final class Utf8 {

	private static final ThreadLocal<Measured> last = ThreadLocal.withInitial(Measured::new);

	private static final LongAdder encodings = new LongAdder();

	private Utf8() {
	}

	/**
	 * Return how many bytes a text takes in UTF-8.
	 * @param text the text
	 * @return its UTF-8 length
	 */
	static int length(String text) {
		Measured measured = last.get();
		if (measured.text != text) {
			measured.text = text;
			measured.bytes = Utf8Length.of(text);
			measured.encoded = null;
		}
		return measured.bytes;
	}

	/**
	 * Return a text's UTF-8 bytes, shared with every other caller on this thread for the
	 * same frame: nobody may write to them.
	 * @param text the text
	 * @return its UTF-8 bytes
	 */
	static byte[] bytes(String text) {
		Measured measured = last.get();
		byte[] encoded = measured.encoded;
		if (measured.text != text) {
			// The same count as length(text) for this text, even for an unpaired
			// surrogate,
			// which the encoder replaces: the queue counts a frame in and out by
			// length().
			measured.text = text;
			measured.bytes = Utf8Length.of(text);
			encoded = null;
		}
		if (encoded == null) {
			encoded = text.getBytes(StandardCharsets.UTF_8);
			measured.encoded = encoded;
			encodings.increment();
		}
		return encoded;
	}

	/**
	 * The texts encoded by {@link #bytes(String)} so far, in this JVM.
	 */
	static long encodings() {
		return encodings.sum();
	}

	private static final class Measured {

		@Nullable String text;

		int bytes;

		byte @Nullable [] encoded;

	}

}

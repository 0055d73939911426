package dev.ambiorix.spring.session;

import dev.ambiorix.spring.protocol.Utf8Length;
import org.jspecify.annotations.Nullable;

/**
 * UTF-8 sizes of frames, which is how the send buffer is counted.
 * <p>
 * A broadcast offers one frame to every client from one thread, and an idle client's
 * queue takes it back at once on the same thread: a one-entry cache per thread, keyed by
 * the frame's identity, measures each frame about once per thread instead of once per
 * client.
 */
final class Utf8 {

	private static final ThreadLocal<Measured> last = ThreadLocal.withInitial(Measured::new);

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
		}
		return measured.bytes;
	}

	private static final class Measured {

		@Nullable String text;

		int bytes;

	}

}

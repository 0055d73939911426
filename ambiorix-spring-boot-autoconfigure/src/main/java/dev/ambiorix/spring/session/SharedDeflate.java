package dev.ambiorix.spring.session;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;

/**
 * A text message compressed for {@code permessage-deflate} without server context
 * takeover, once for every connection it goes to, on either container.
 * <p>
 * Without server context takeover a message compresses to the same bytes for every
 * client: the server's window is always 15 bits, Java's {@link Deflater} has no other,
 * and {@code client_max_window_bits} only bounds the client's compressor. Refers to no
 * container's types, so that an application on one container never loads the other's.
 */
final class SharedDeflate {

	/**
	 * The four bytes that end a message compressed with a sync flush, which RFC 7692
	 * leaves off the wire.
	 */
	private static final int TAIL = 4;

	private static final ThreadLocal<Deflater> deflaters = ThreadLocal
		.withInitial(() -> new Deflater(Deflater.DEFAULT_COMPRESSION, true));

	/**
	 * The messages compressed last, by identity: a broadcast hands the same
	 * {@code String} to every client, so all but the first find it here.
	 */
	private static final AtomicReferenceArray<Compressed> recent = new AtomicReferenceArray<>(16);

	private static final LongAdder compressions = new LongAdder();

	private SharedDeflate() {
	}

	/**
	 * Return a message's compressed payload, shared by every caller that passes the same
	 * {@code String}.
	 * @param text the message
	 * @return the payload of its one frame, without the four-byte tail, which nobody may
	 * write to
	 */
	static byte[] compress(String text) {
		int slot = (System.identityHashCode(text) & 0x7fffffff) % recent.length();
		Compressed compressed = recent.get(slot);
		if (compressed != null && compressed.text == text) {
			return compressed.bytes;
		}
		byte[] bytes = deflate(text.getBytes(StandardCharsets.UTF_8));
		recent.set(slot, new Compressed(text, bytes));
		compressions.increment();
		return bytes;
	}

	/**
	 * The messages compressed so far, in this JVM.
	 */
	static long compressions() {
		return compressions.sum();
	}

	private static byte[] deflate(byte[] input) {
		Deflater deflater = deflaters.get();
		deflater.reset();
		deflater.setInput(input);
		byte[] output = new byte[input.length / 2 + 64];
		int length = 0;
		while (true) {
			length += deflater.deflate(output, length, output.length - length, Deflater.SYNC_FLUSH);
			if (length < output.length) {
				break;
			}
			output = Arrays.copyOf(output, output.length * 2);
		}
		return Arrays.copyOf(output, length - TAIL);
	}

	/**
	 * A message and its compressed bytes.
	 */
	private record Compressed(String text, byte[] bytes) {
	}

}

package dev.ambiorix.spring.endpoint;

import dev.ambiorix.spring.protocol.Utf8Length;
import org.jspecify.annotations.Nullable;

/**
 * Joins the parts of a fragmented message, refusing more than the size limit. Sizes are
 * counted in UTF-8 bytes, as on the wire. Used by one thread at a time.
 */
final class FrameAssembler {

	private final long maxBytes;

	private @Nullable StringBuilder parts;

	private long bytes;

	FrameAssembler(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Add a text part.
	 * @param part the part
	 * @param last whether it ends the message
	 * @return the whole message when {@code last}, else {@code null}
	 * @throws TooBigException when the message exceeds the limit
	 */
	@Nullable String appendText(String part, boolean last) {
		count(Utf8Length.of(part));
		if (this.parts == null) {
			if (last) {
				this.bytes = 0;
				return part;
			}
			this.parts = new StringBuilder(part);
			return null;
		}
		this.parts.append(part);
		if (!last) {
			return null;
		}
		String whole = this.parts.toString();
		this.parts = null;
		this.bytes = 0;
		return whole;
	}

	/**
	 * Count a binary part, which is never kept.
	 * @param length the part's length in bytes
	 * @param last whether it ends the message
	 * @return whether the binary message is complete
	 * @throws TooBigException when the message exceeds the limit
	 */
	boolean appendBinary(int length, boolean last) {
		count(length);
		if (last) {
			this.bytes = 0;
		}
		return last;
	}

	private void count(long partBytes) {
		this.bytes += partBytes;
		if (this.bytes > this.maxBytes) {
			this.parts = null;
			long total = this.bytes;
			this.bytes = 0;
			throw new TooBigException(total, this.maxBytes);
		}
	}

	/**
	 * A message over the size limit.
	 */
	static final class TooBigException extends RuntimeException {

		TooBigException(long bytes, long maxBytes) {
			super("message of at least " + bytes + " bytes exceeds the limit of " + maxBytes + " bytes", null, false,
					false);
		}

	}

}

package dev.ambiorix.spring.session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A small text frame, header and payload, in one direct buffer per thread, shared by
 * every client of a broadcast sent from that thread.
 * <p>
 * A socket takes a direct buffer as it is, where a heap buffer is first copied into a
 * direct one, once per client. Like {@link Utf8}, whose bytes are the key, the cache
 * holds one frame per thread: a broadcast offers the same frame to every client in turn.
 */
final class SharedFrame {

	/** The first byte of a whole text frame. */
	static final byte FIN_TEXT = (byte) 0x81;

	/** The first byte of a whole text frame whose payload is compressed: RSV1 set. */
	static final byte FIN_RSV1_TEXT = (byte) 0xC1;

	/** Larger frames are written from the heap: no thread keeps more than this. */
	static final int MAX_BYTES = 16 * 1024;

	private static final int MAX_HEADER_BYTES = 4;

	private static final ThreadLocal<SharedFrame> current = new ThreadLocal<>();

	private static final @Nullable MethodHandle IS_VIRTUAL = findIsVirtual();

	private final ByteBuffer frame;

	private byte @Nullable [] payload;

	private byte first;

	private SharedFrame(ByteBuffer frame) {
		this.frame = frame;
	}

	/**
	 * Return a view of the frame that carries a payload, positioned at its start, for use
	 * on this thread until the next call: the frame is rewritten for the next payload.
	 * @param first the frame's first byte: FIN, the RSV bits and the opcode
	 * @param payload the frame's payload, which nobody writes to
	 * @return the view, or {@code null} when the frame is too large to share
	 */
	static @Nullable ByteBuffer of(byte first, byte[] payload) {
		if (payload.length > MAX_BYTES - MAX_HEADER_BYTES) {
			return null;
		}
		SharedFrame shared = current.get();
		if (shared == null) {
			// A virtual thread may live for one send: a buffer of its own would be
			// allocated and dropped each time.
			if (isVirtual(Thread.currentThread())) {
				return null;
			}
			try {
				shared = new SharedFrame(ByteBuffer.allocateDirect(MAX_BYTES));
			}
			catch (OutOfMemoryError ex) {
				// No direct memory left: the frame is written from the heap.
				return null;
			}
			current.set(shared);
		}
		if (shared.payload != payload || shared.first != first) {
			shared.fill(first, payload);
		}
		return shared.frame.duplicate();
	}

	private static boolean isVirtual(Thread thread) {
		MethodHandle isVirtual = IS_VIRTUAL;
		if (isVirtual == null) {
			return false;
		}
		try {
			return (boolean) isVirtual.invokeExact(thread);
		}
		catch (Throwable ex) {
			return true;
		}
	}

	/** {@code Thread.isVirtual()}, from Java 21 on. */
	private static @Nullable MethodHandle findIsVirtual() {
		try {
			return MethodHandles.publicLookup()
				.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
		}
		catch (ReflectiveOperationException ex) {
			return null;
		}
	}

	/**
	 * Return how many bytes the header of a whole frame takes.
	 * @param length the payload's length
	 * @return 2, 4 or 10
	 */
	static int headerLength(int length) {
		return (length < 126) ? 2 : (length < 65536) ? 4 : 10;
	}

	/**
	 * Put the header of a whole frame, unmasked, as a server sends it.
	 * @param buffer where it goes
	 * @param first the first byte: FIN, RSV1 when compressed, and the opcode
	 * @param length the payload's length
	 * @return the buffer
	 */
	static ByteBuffer putHeader(ByteBuffer buffer, byte first, int length) {
		buffer.put(first);
		if (length < 126) {
			buffer.put((byte) length);
		}
		else if (length < 65536) {
			buffer.put((byte) 126).putShort((short) length);
		}
		else {
			buffer.put((byte) 127).putLong(length);
		}
		return buffer;
	}

	/**
	 * Return a whole frame on the heap, for one too large to share or a thread that keeps
	 * no shared frame: its header, and a read-only view of the payload.
	 * @param first the frame's first byte: FIN, the RSV bits and the opcode
	 * @param payload the frame's payload, which nobody writes to
	 * @return the header and the payload, to be written in that order
	 */
	static ByteBuffer[] onHeap(byte first, byte[] payload) {
		ByteBuffer header = putHeader(ByteBuffer.allocate(headerLength(payload.length)), first, payload.length).flip();
		return new ByteBuffer[] { header, ByteBuffer.wrap(payload).asReadOnlyBuffer() };
	}

	private void fill(byte first, byte[] payload) {
		putHeader(this.frame.clear(), first, payload.length).put(payload).flip();
		this.payload = payload;
		this.first = first;
	}

}

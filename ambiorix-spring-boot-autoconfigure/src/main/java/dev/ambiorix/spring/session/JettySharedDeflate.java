package dev.ambiorix.spring.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.Deflater;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.AbstractExtension;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Extension;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.OutgoingFrames;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.jspecify.annotations.Nullable;

/**
 * Sends a text message that is compressed once, for every Jetty connection that agreed to
 * {@code permessage-deflate} without server context takeover, instead of once per
 * connection.
 * <p>
 * Without server context takeover a message compresses to the same bytes for every
 * client: the server's window is always 15 bits, Java's {@link Deflater} has no other,
 * and {@code client_max_window_bits} only bounds the client's compressor. Jetty's
 * {@code PerMessageDeflateExtension} compresses every data frame it is given, with no way
 * to say a frame is compressed already; so the frame, RSV1 set, goes to what comes after
 * that extension in the connection's extension stack
 * ({@link AbstractExtension#getNextOutgoing()}, public in Jetty 12's core API), the
 * connection's flusher. Every text frame of such a connection goes this way, so the
 * extension's own queue only ever sees control frames and the order of frames is the
 * order of the calls.
 * <p>
 * Only referenced by {@link JettySharedText} once Jetty's core API is known to be
 * present.
 */
final class JettySharedDeflate {

	private static final String PERMESSAGE_DEFLATE = "permessage-deflate";

	private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

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

	private final CoreSession coreSession;

	private final OutgoingFrames afterDeflate;

	private JettySharedDeflate(CoreSession coreSession, OutgoingFrames afterDeflate) {
		this.coreSession = coreSession;
		this.afterDeflate = afterDeflate;
	}

	/**
	 * Return the shared compression of a connection that agreed to
	 * {@code permessage-deflate} without server context takeover.
	 * @param session Jetty's session
	 * @return the shared compression, or {@code null} for any other connection
	 */
	static @Nullable JettySharedDeflate forSession(Session session) {
		if (!(session instanceof WebSocketSession webSocketSession)
				|| !(webSocketSession.getCoreSession() instanceof WebSocketCoreSession coreSession)) {
			return null;
		}
		for (Extension extension : coreSession.getExtensionStack().getExtensions()) {
			if (PERMESSAGE_DEFLATE.equals(extension.getName()) && extension instanceof AbstractExtension deflate
					&& deflate.getConfig().getParameterKeys().contains(SERVER_NO_CONTEXT_TAKEOVER)
					&& deflate.getNextOutgoing() != null) {
				return new JettySharedDeflate(coreSession, deflate.getNextOutgoing());
			}
		}
		return null;
	}

	/**
	 * Send one whole text message, compressed once for every connection it goes to.
	 * @param text the message
	 * @param callback told when it is written or failed
	 */
	void sendText(String text, Callback callback) {
		if (!this.coreSession.isOutputOpen()) {
			callback.failed(new IllegalStateException("Output closed"));
			return;
		}
		// Each connection writes from a buffer of its own over the shared bytes.
		Frame frame = new Frame(OpCode.TEXT, true, ByteBuffer.wrap(compress(text))).setRsv1(true);
		this.afterDeflate.sendFrame(new OutgoingEntry.Builder(frame, callback).build());
	}

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

package dev.ambiorix.spring.session;

import java.nio.ByteBuffer;

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
 * Without server context takeover a message compresses to the same bytes for every client
 * ({@link SharedDeflate}). Jetty's {@code PerMessageDeflateExtension} compresses every
 * data frame it is given, with no way to say a frame is compressed already; so the frame,
 * RSV1 set, goes to what comes after that extension in the connection's extension stack
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

	private final CoreSession coreSession;

	private final OutgoingFrames afterDeflate;

	/** Set when the extension is the only one and a frame may go straight out. */
	private final @Nullable JettyDirectWrite directWrite;

	private JettySharedDeflate(CoreSession coreSession, OutgoingFrames afterDeflate,
			@Nullable JettyDirectWrite directWrite) {
		this.coreSession = coreSession;
		this.afterDeflate = afterDeflate;
		this.directWrite = directWrite;
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
				OutgoingFrames afterDeflate = deflate.getNextOutgoing();
				return new JettySharedDeflate(coreSession, afterDeflate,
						JettyDirectWrite.forConnection(coreSession, afterDeflate));
			}
		}
		return null;
	}

	boolean writesDirectly() {
		return this.directWrite != null;
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
		byte[] compressed = SharedDeflate.compress(text);
		long maxFrameSize = this.coreSession.getMaxFrameSize();
		if (maxFrameSize > 0 && compressed.length > maxFrameSize) {
			// Too large for one frame: Jetty's own path compresses it (once, as every
			// message stands alone without context takeover) and splits it.
			this.coreSession.sendFrame(
					new Frame(OpCode.TEXT, true, ByteBuffer.wrap(Utf8.bytes(text)).asReadOnlyBuffer()), callback,
					false);
			return;
		}
		JettyDirectWrite direct = this.directWrite;
		if (direct != null && direct.send(SharedFrame.FIN_RSV1_TEXT, compressed, callback)) {
			return;
		}
		// Each connection reads through a buffer of its own over the shared bytes.
		Frame frame = new Frame(OpCode.TEXT, true, ByteBuffer.wrap(compressed).asReadOnlyBuffer()).setRsv1(true);
		this.afterDeflate.sendFrame(new OutgoingEntry.Builder(frame, callback).build());
	}

}

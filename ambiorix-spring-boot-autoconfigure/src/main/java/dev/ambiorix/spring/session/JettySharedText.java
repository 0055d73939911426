package dev.ambiorix.spring.session;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.OutgoingFrames;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.jspecify.annotations.Nullable;

/**
 * Sends whole text messages through Jetty 12's core session with the UTF-8 bytes that
 * every connection a broadcast goes to shares ({@link Utf8#bytes}), instead of Jetty's
 * API, which encodes the same {@code String} again for each connection.
 * <p>
 * A message goes to the first of the connection's negotiated extensions, or to its
 * flusher when there are none ({@code ExtensionStack.getNextOutgoing()}): a
 * {@code permessage-deflate} that Jetty negotiated still compresses it, and a connection
 * that agreed to compression without server context takeover gets the message compressed
 * once for all ({@link JettySharedDeflate}). What is skipped is the core session's own
 * queue, which only splits frames larger than the connection's largest frame and checks
 * that the output is open: a message too large for one frame still goes through it, and
 * the output is checked here. The outbound queue has at most one message in flight, so
 * the two routes cannot reorder messages; and Jetty's flusher refuses a data frame after
 * a close frame.
 * <p>
 * Each connection writes from a read-only buffer of its own over the shared bytes, so
 * nothing can write to them.
 * <p>
 * Only referenced by {@link JettyTransport} once Jetty's core API is known to be present.
 */
final class JettySharedText {

	private final CoreSession coreSession;

	/**
	 * The first of the connection's extensions, or its flusher.
	 */
	private final OutgoingFrames outgoing;

	private final @Nullable JettySharedDeflate sharedDeflate;

	/** Set when the connection has no extension and a frame may go straight out. */
	private final @Nullable JettyDirectWrite directWrite;

	private JettySharedText(CoreSession coreSession, OutgoingFrames outgoing,
			@Nullable JettySharedDeflate sharedDeflate, @Nullable JettyDirectWrite directWrite) {
		this.coreSession = coreSession;
		this.outgoing = outgoing;
		this.sharedDeflate = sharedDeflate;
		this.directWrite = directWrite;
	}

	/**
	 * Return the shared-bytes sender of a connection on Jetty's core session.
	 * @param session Jetty's session
	 * @return the sender, or {@code null} when the session is not on Jetty's core session
	 */
	static @Nullable JettySharedText forSession(Session session) {
		if (!(session instanceof WebSocketSession webSocketSession)
				|| !(webSocketSession.getCoreSession() instanceof WebSocketCoreSession coreSession)) {
			return null;
		}
		OutgoingFrames outgoing = coreSession.getExtensionStack().getNextOutgoing();
		if (outgoing == null) {
			return null;
		}
		return new JettySharedText(coreSession, outgoing, JettySharedDeflate.forSession(session),
				JettyDirectWrite.forConnection(coreSession, outgoing));
	}

	/**
	 * Return whether this connection's messages are compressed once for every connection.
	 * @return {@code true} with shared compression
	 */
	boolean compressesOnce() {
		return this.sharedDeflate != null;
	}

	/**
	 * Return whether frames may go straight into the socket ({@link JettyDirectWrite}).
	 * @return {@code true} with a direct write, plain or compressed
	 */
	boolean writesDirectly() {
		JettySharedDeflate shared = this.sharedDeflate;
		return (shared != null) ? shared.writesDirectly() : this.directWrite != null;
	}

	/**
	 * Send one whole text message.
	 * @param text the message
	 * @param callback told when it is written or failed
	 */
	void sendText(String text, Callback callback) {
		JettySharedDeflate shared = this.sharedDeflate;
		if (shared != null) {
			shared.sendText(text, callback);
			return;
		}
		if (!this.coreSession.isOutputOpen()) {
			callback.failed(new ClosedChannelException());
			return;
		}
		byte[] bytes = Utf8.bytes(text);
		Frame frame = new Frame(OpCode.TEXT, true, ByteBuffer.wrap(bytes).asReadOnlyBuffer());
		long maxFrameSize = this.coreSession.getMaxFrameSize();
		if (maxFrameSize > 0 && bytes.length > maxFrameSize && this.coreSession.isAutoFragment()) {
			// The core session's queue splits it into frames the client accepts.
			this.coreSession.sendFrame(frame, callback, false);
			return;
		}
		JettyDirectWrite direct = this.directWrite;
		if (direct != null && direct.send(SharedFrame.FIN_TEXT, bytes, callback)) {
			return;
		}
		this.outgoing.sendFrame(new OutgoingEntry.Builder(frame, callback).build());
	}

}

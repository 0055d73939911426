package dev.ambiorix.spring.session;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

/**
 * A complete text frame written the way Tomcat writes the frame of an asynchronous send,
 * except that a write the socket takes at once reports its completion on the writing
 * thread.
 * <p>
 * Tomcat (11.0) hands the completion of every asynchronous send to one of its worker
 * threads ({@code WsRemoteEndpointImplServer.clearHandler(..., true)}), even when the
 * frame went into the socket within the call; in a broadcast to thousands of clients that
 * handoff is most of the server's work. Here the frame takes the same steps as in Tomcat:
 * it holds Tomcat's one-frame-at-a-time semaphore (so the pongs and close frames Tomcat
 * writes itself still queue behind it), sets Tomcat's handler (so a connection closed
 * meanwhile still fails the send), writes header and payload in one non-blocking
 * gathering write, and ends through Tomcat's own {@code endMessage}, which writes
 * whatever Tomcat queued meanwhile. Only the dispatch of a completion that happened
 * within the write is skipped. A write that must wait for room in the socket completes
 * later, on the thread Tomcat continues it on, with Tomcat's dispatch as before: nothing
 * ever waits for a slow client.
 * <p>
 * On plain TCP with Tomcat's NIO connector, a frame first goes straight into the socket
 * channel, under Tomcat's socket write lock and only when Tomcat has nothing of its own
 * waiting to be written; Tomcat's write machinery (and its handler) is used only for what
 * the socket did not take at once.
 * <p>
 * On a connection that agreed to {@code permessage-deflate} without server context
 * takeover, the frame carries the payload {@link SharedDeflate} compressed once for every
 * client of a broadcast, RSV1 set, and goes past Tomcat's {@code PerMessageDeflate}
 * (whose output, without context takeover, would be the same bytes for every client),
 * which therefore never sees it: it compresses only the frames that take Tomcat's usual
 * path, and passes the control frames Tomcat writes through unchanged.
 * <p>
 * Used only where every member it needs is reachable and the connection sends frames as
 * they are or compressed alike for every client (no compression with context takeover, no
 * batching, no send timeout of Tomcat's own); otherwise {@link #send} returns
 * {@code false} and the frame takes Tomcat's usual path.
 */
final class TomcatDirectWrite {

	private static final Log logger = LogFactory.getLog(TomcatDirectWrite.class);

	private static final @Nullable Members MEMBERS = Members.find();

	private static final @Nullable DeflateMembers DEFLATE_MEMBERS = (MEMBERS != null) ? DeflateMembers.find() : null;

	/**
	 * What Tomcat holds while it writes to a socket:
	 * {@code SocketWrapperBase.writePending}.
	 */
	private static final @Nullable VarHandle WRITE_PENDING = findWritePending();

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/** Tomcat's {@code WsRemoteEndpointImplServer}. */
	private final Object endpoint;

	private final Session session;

	private final SocketWrapperBase<?> socket;

	private final Semaphore framePending;

	private final Object frameLock;

	/** The connection's socket channel when frames may be written to it directly. */
	private final @Nullable SocketChannel channel;

	/**
	 * Whether the connection agreed to {@code permessage-deflate} without server context
	 * takeover, so that its frames carry {@link SharedDeflate}'s payloads, RSV1 set.
	 */
	private final boolean compressed;

	/** The frame's first byte: FIN, RSV1 when compressed, and the text opcode. */
	private final byte first;

	private TomcatDirectWrite(Object endpoint, Session session, SocketWrapperBase<?> socket, Semaphore framePending,
			Object frameLock, boolean compressed) {
		this.endpoint = endpoint;
		this.session = session;
		this.socket = socket;
		this.framePending = framePending;
		this.frameLock = frameLock;
		this.channel = plainChannel(socket);
		this.compressed = compressed;
		this.first = compressed ? SharedFrame.FIN_RSV1_TEXT : SharedFrame.FIN_TEXT;
	}

	/**
	 * Return the direct write of an endpoint whose frames go out as they are, or whose
	 * frames Tomcat compresses without server context takeover, or {@code null} where
	 * Tomcat's usual path must be used.
	 * @param endpoint Tomcat's remote endpoint of the session
	 * @param session the session
	 * @return the direct write, or {@code null}
	 */
	static @Nullable TomcatDirectWrite of(Object endpoint, Session session) {
		Members members = MEMBERS;
		if (members == null || !members.endpointType.isInstance(endpoint)) {
			return null;
		}
		try {
			Object transformation = members.transformation.get(endpoint);
			SocketWrapperBase<?> socket = (SocketWrapperBase<?>) members.socketWrapper.get(endpoint);
			if (transformation == null || socket == null || !socket.hasAsyncIO()) {
				// A connector without asynchronous IO.
				return null;
			}
			boolean compressed = !members.terminalTransformation.isInstance(transformation);
			if (compressed && !compressesAlike(members, transformation)) {
				// Compression with context takeover, or a transformation of another kind.
				return null;
			}
			return new TomcatDirectWrite(endpoint, session, socket, (Semaphore) members.framePending.get(endpoint),
					members.frameLock.get(endpoint), compressed);
		}
		catch (RuntimeException ex) {
			logger.debug("Tomcat's frame writing is not reachable; sends take Tomcat's usual path", ex);
			return null;
		}
	}

	/**
	 * Whether a connection's only transformation is Tomcat's {@code PerMessageDeflate} on
	 * the server side without server context takeover (and with the only window Java
	 * has), followed by the terminal one: then every message compresses to the bytes
	 * {@link SharedDeflate} gives, and a frame written past it reaches the socket as it
	 * is.
	 */
	private static boolean compressesAlike(Members members, Object transformation) {
		DeflateMembers deflate = DEFLATE_MEMBERS;
		if (deflate == null || transformation.getClass() != deflate.type) {
			return false;
		}
		int windowBits = (int) deflate.serverMaxWindowBits.get(transformation);
		return (boolean) deflate.isServer.get(transformation)
				&& !(boolean) deflate.serverContextTakeover.get(transformation)
				&& (windowBits == -1 || windowBits == 15)
				&& members.terminalTransformation.isInstance(deflate.next.getVolatile(transformation));
	}

	/**
	 * Whether frames carry a compressed payload: {@link #send} then takes
	 * {@link SharedDeflate#compress}'s bytes.
	 * @return whether the connection compresses
	 */
	boolean compressed() {
		return this.compressed;
	}

	/**
	 * Write one complete text frame, unless Tomcat is writing a frame of its own or the
	 * endpoint is closed, batching or has a send timeout.
	 * @param payload the frame's payload, which nobody writes to: the message's UTF-8
	 * bytes, or where the connection {@linkplain #compressed() compresses} its
	 * {@link SharedDeflate} bytes, which no transformation of Tomcat's sees
	 * @param handler told exactly once when the frame is written or failed
	 * @return {@code false} when the frame was not taken and must go Tomcat's usual way
	 */
	boolean send(byte[] payload, SendHandler handler) {
		Members members = members();
		Object endpoint = this.endpoint;
		try {
			if ((boolean) members.batchingAllowed.invokeExact(endpoint)
					|| (long) members.sendTimeout.invokeExact(endpoint) > 0) {
				return false;
			}
		}
		catch (Throwable ex) {
			return false;
		}
		synchronized (this.frameLock) {
			if (!this.framePending.tryAcquire()) {
				return false;
			}
		}
		if (isClosed(members, endpoint)) {
			// Read once the slot is held: Tomcat sets it when it writes its close frame
			// under the same slot, so no frame follows a close frame. Tomcat's usual way
			// refuses the frame.
			releaseFrame();
			return false;
		}
		try {
			// Bookkeeping Tomcat does for each frame: its idle timeout and statistics.
			members.updateLastActiveWrite.invokeExact(endpoint);
			members.updateStats.invokeExact(endpoint, (long) payload.length);
		}
		catch (Throwable ex) {
			logger.trace("Tomcat's write bookkeeping failed", ex);
		}
		ByteBuffer[] frame;
		boolean partlyWritten = false;
		SocketChannel channel = this.channel;
		if (channel != null) {
			ByteBuffer rest;
			try {
				rest = writeToChannel(channel, payload);
			}
			catch (Throwable ex) {
				// Errors too (no direct memory left): the frame slot must be given back.
				failWrite(handler, ex);
				return true;
			}
			if (rest == null) {
				((NioEndpoint.NioSocketWrapper) this.socket).updateLastWrite();
				endMessage(handler, new SendResult(this.session));
				return true;
			}
			partlyWritten = rest != EMPTY;
			frame = partlyWritten ? new ByteBuffer[] { rest } : SharedFrame.onHeap(this.first, payload);
		}
		else {
			frame = SharedFrame.onHeap(this.first, payload);
		}
		Write write = new Write(handler);
		SendHandler end = write::end;
		try {
			members.handler.invokeExact(endpoint, end);
		}
		catch (Throwable ex) {
			if (partlyWritten) {
				// Sent again whole, the frame would corrupt the stream.
				failWrite(handler, ex);
				return true;
			}
			// Nothing is written yet: let the frame go Tomcat's usual way.
			releaseFrame();
			return false;
		}
		try {
			// Never waits: a write of Tomcat's own still pending (a pong that timed out
			// on a stalled client) makes this one NOT_DONE instead of blocking the
			// sending thread, which may be serving thousands of clients.
			SocketWrapperBase.CompletionState state = this.socket.write(SocketWrapperBase.BlockingMode.NON_BLOCK, -1,
					TimeUnit.MILLISECONDS, null, SocketWrapperBase.COMPLETE_WRITE_WITH_COMPLETION, write, frame);
			if (state == SocketWrapperBase.CompletionState.NOT_DONE) {
				write.failed(new IOException("A write of Tomcat's own is still pending on this connection"), null);
			}
		}
		catch (RuntimeException ex) {
			if (!write.failedUnlessCompleted(ex)) {
				// Thrown after the completion ran, so by what it called: the frame was
				// written and reported.
				logger.warn("A send's completion failed", ex);
			}
		}
		finally {
			write.returned = true;
		}
		return true;
	}

	/**
	 * Return the connection's own socket channel when it is plain TCP (no TLS) on
	 * Tomcat's NIO connector, or {@code null}. The JDK's channel, not Tomcat's wrapper of
	 * it: Tomcat reuses its wrapper for the next connection once this one closes, and a
	 * late write must fail there, not reach another client.
	 */
	private static @Nullable SocketChannel plainChannel(SocketWrapperBase<?> socket) {
		if (socket instanceof NioEndpoint.NioSocketWrapper nio && WRITE_PENDING != null) {
			NioChannel channel = nio.getSocket();
			// Exactly NioChannel: TLS's subclass encrypts, and the closed channel fails.
			if (channel != null && channel.getClass() == NioChannel.class) {
				return channel.getIOChannel();
			}
		}
		return null;
	}

	/**
	 * Write the frame straight into the socket when nothing of Tomcat's is waiting to be
	 * written there: Tomcat's own write allocates and stores an operation object per
	 * frame, and the garbage collector pays for every such store into a long-lived
	 * connection. A small frame comes from a per-thread copy of header and payload,
	 * shared by every client of a broadcast, which the socket takes without copying it.
	 * @return {@code null} when the whole frame was written; otherwise what is left of it
	 * (empty when nothing was written because Tomcat has a write of its own pending),
	 * which Tomcat's usual write continues
	 */
	private @Nullable ByteBuffer writeToChannel(SocketChannel channel, byte[] payload) throws IOException {
		VarHandle handle = WRITE_PENDING;
		Semaphore writePending = (handle != null) ? (Semaphore) handle.get(this.socket) : null;
		if (writePending == null || !writePending.tryAcquire()) {
			return EMPTY;
		}
		try {
			// An interrupted thread would close the channel: Tomcat's write refuses it.
			if (this.socket.isClosed() || this.socket.hasDataToWrite() || this.socket.getError() != null
					|| Thread.currentThread().isInterrupted()) {
				return EMPTY;
			}
			ByteBuffer frame = SharedFrame.of(this.first, payload);
			if (frame != null) {
				int written;
				do {
					written = channel.write(frame);
				}
				while (written > 0 && frame.hasRemaining());
				if (!frame.hasRemaining()) {
					return null;
				}
				// The shared copy is rewritten by the next frame: keep what is left.
				return (frame.position() == 0) ? EMPTY : ByteBuffer.allocate(frame.remaining()).put(frame).flip();
			}
			ByteBuffer[] buffers = SharedFrame.onHeap(this.first, payload);
			long written;
			do {
				written = channel.write(buffers, 0, buffers.length);
			}
			while (written > 0 && (buffers[0].hasRemaining() || buffers[1].hasRemaining()));
			// Both: an empty payload is written once its header is.
			if (!buffers[0].hasRemaining() && !buffers[1].hasRemaining()) {
				return null;
			}
			if (buffers[0].position() == 0) {
				return EMPTY;
			}
			ByteBuffer rest = ByteBuffer.allocate(buffers[0].remaining() + buffers[1].remaining());
			return rest.put(buffers[0]).put(buffers[1]).flip();
		}
		finally {
			writePending.release();
		}
	}

	/**
	 * Report a frame that failed while the frame slot was held, and close the connection,
	 * as Tomcat does for a failed write.
	 */
	private void failWrite(SendHandler handler, Throwable failure) {
		if (failure instanceof IOException ioe) {
			this.socket.setError(ioe);
		}
		endMessage(handler, new SendResult(this.session, failure));
		closeEndpoint();
	}

	private void endMessage(SendHandler handler, SendResult result) {
		try {
			members().endMessage.invokeExact(this.endpoint, handler, result);
		}
		catch (Throwable ex) {
			handler.onResult(new SendResult(this.session, ex));
		}
	}

	private void closeEndpoint() {
		try {
			members().close.invokeExact(this.endpoint);
		}
		catch (Throwable ex) {
			logger.debug("Closing Tomcat's endpoint after a failed write failed", ex);
		}
	}

	private static @Nullable VarHandle findWritePending() {
		try {
			return MethodHandles.privateLookupIn(SocketWrapperBase.class, MethodHandles.lookup())
				.findVarHandle(SocketWrapperBase.class, "writePending", Semaphore.class);
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
			logger.debug("Tomcat's socket write lock is not reachable; frames take Tomcat's write", ex);
			return null;
		}
	}

	private static boolean isClosed(Members members, Object endpoint) {
		try {
			return (boolean) members.closed.invokeExact(endpoint);
		}
		catch (Throwable ex) {
			return true;
		}
	}

	private static Members members() {
		Members members = MEMBERS;
		if (members == null) {
			throw new IllegalStateException("Tomcat's frame writing is not reachable");
		}
		return members;
	}

	/**
	 * Give the frame slot back through Tomcat, which writes whatever it queued meanwhile.
	 */
	private void releaseFrame() {
		try {
			members().endMessage.invokeExact(this.endpoint, (SendHandler) null, new SendResult(this.session));
		}
		catch (Throwable ex) {
			logger.debug("Tomcat's frame slot could not be given back", ex);
		}
	}

	/**
	 * One frame's write: Tomcat's handler and the socket's completion.
	 */
	private final class Write implements CompletionHandler<Long, Void> {

		private final SendHandler handler;

		private final Thread writer = Thread.currentThread();

		/** Set by the completion or the failure, whichever comes first: only it acts. */
		private final AtomicBoolean finished = new AtomicBoolean();

		/**
		 * Set by the first end: Tomcat reads and clears its handler without a lock, so a
		 * close racing the completion may run it twice, which would give the frame slot
		 * back twice.
		 */
		private final AtomicBoolean ended = new AtomicBoolean();

		volatile boolean returned;

		Write(SendHandler handler) {
			this.handler = handler;
		}

		/**
		 * What Tomcat's {@code EndMessageHandler} does: release the frame, then report.
		 */
		void end(SendResult result) {
			if (this.ended.compareAndSet(false, true)) {
				endMessage(this.handler, result);
			}
		}

		@Override
		public void completed(Long written, @Nullable Void attachment) {
			// Within the write, on its own thread, the completion runs here; Tomcat would
			// hand it to a worker. Later, it runs where Tomcat continued the write, and
			// is handed to a worker as Tomcat does.
			if (!this.finished.compareAndSet(false, true)) {
				return;
			}
			boolean withinWrite = !this.returned && Thread.currentThread() == this.writer;
			clearHandler(null, !withinWrite);
		}

		@Override
		public void failed(Throwable failure, @Nullable Void attachment) {
			failedUnlessCompleted(failure);
		}

		/**
		 * Fail the write unless its completion or failure already ran.
		 * @param failure why
		 * @return {@code false} when the completion or failure had run before
		 */
		boolean failedUnlessCompleted(Throwable failure) {
			if (!this.finished.compareAndSet(false, true)) {
				return false;
			}
			clearHandler(failure, true);
			closeEndpoint();
			return true;
		}

		private void clearHandler(@Nullable Throwable failure, boolean dispatch) {
			try {
				members().clearHandler.invokeExact(TomcatDirectWrite.this.endpoint, failure, dispatch);
			}
			catch (Throwable ex) {
				// Tomcat took the handler and ran it (or handed it on): running it again
				// would give the frame slot back twice.
				logger.warn("A send's completion failed", ex);
			}
		}

	}

	/**
	 * The members of Tomcat's endpoint that a direct write needs, looked up once.
	 */
	private record Members(Class<?> endpointType, MethodHandle batchingAllowed, MethodHandle sendTimeout,
			MethodHandle close, VarHandle socketWrapper, MethodHandle handler, VarHandle transformation,
			MethodHandle closed, VarHandle framePending, VarHandle frameLock, Class<?> terminalTransformation,
			MethodHandle clearHandler, MethodHandle endMessage, MethodHandle updateStats,
			MethodHandle updateLastActiveWrite) {

		private static MethodHandle exact(MethodHandle handle, Class<?> returnType, Class<?>... parameterTypes) {
			Class<?>[] parameters = new Class<?>[parameterTypes.length + 1];
			parameters[0] = Object.class;
			System.arraycopy(parameterTypes, 0, parameters, 1, parameterTypes.length);
			return handle.asType(MethodType.methodType(returnType, parameters));
		}

		static @Nullable Members find() {
			try {
				ClassLoader classLoader = TomcatDirectWrite.class.getClassLoader();
				Class<?> server = Class.forName("org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer", false,
						classLoader);
				Class<?> base = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase", false,
						classLoader);
				Class<?> transformation = Class.forName("org.apache.tomcat.websocket.Transformation", false,
						classLoader);
				Class<?> terminal = Class.forName("org.apache.tomcat.websocket.WsFrameBase$TerminalTransformation",
						false, classLoader);
				Class<?> wsSession = Class.forName("org.apache.tomcat.websocket.WsSession", false, classLoader);
				MethodHandles.Lookup serverLookup = MethodHandles.privateLookupIn(server, MethodHandles.lookup());
				MethodHandles.Lookup baseLookup = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
				MethodHandles.Lookup sessionLookup = MethodHandles.privateLookupIn(wsSession, MethodHandles.lookup());
				MethodHandle lastActiveWrite = sessionLookup.findVirtual(wsSession, "updateLastActiveWrite",
						MethodType.methodType(void.class));
				MethodHandle getSession = baseLookup.findGetter(base, "wsSession", wsSession);
				// Every handle used per frame takes the endpoint as an Object and is
				// invoked exactly, so that the compiler inlines it.
				return new Members(server,
						exact(baseLookup.findVirtual(base, "getBatchingAllowed", MethodType.methodType(boolean.class)),
								boolean.class),
						exact(baseLookup.findVirtual(base, "getSendTimeout", MethodType.methodType(long.class)),
								long.class),
						exact(baseLookup.findVirtual(base, "close", MethodType.methodType(void.class)), void.class),
						serverLookup.findVarHandle(server, "socketWrapper", SocketWrapperBase.class),
						exact(serverLookup.findVarHandle(server, "handler", SendHandler.class)
							.toMethodHandle(VarHandle.AccessMode.SET_VOLATILE), void.class, SendHandler.class),
						baseLookup.findVarHandle(base, "transformation", transformation),
						exact(baseLookup.findVarHandle(base, "closed", boolean.class)
							.toMethodHandle(VarHandle.AccessMode.GET_VOLATILE), boolean.class),
						baseLookup.findVarHandle(base, "messagePartInProgress", Semaphore.class),
						baseLookup.findVarHandle(base, "messagePartLock", Object.class), terminal,
						exact(serverLookup.findVirtual(server, "clearHandler",
								MethodType.methodType(void.class, Throwable.class, boolean.class)), void.class,
								Throwable.class, boolean.class),
						exact(baseLookup.findVirtual(base, "endMessage",
								MethodType.methodType(void.class, SendHandler.class, SendResult.class)), void.class,
								SendHandler.class, SendResult.class),
						exact(serverLookup.findVirtual(server, "updateStats",
								MethodType.methodType(void.class, long.class)), void.class, long.class),
						exact(MethodHandles.filterArguments(lastActiveWrite, 0, getSession), void.class));
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Tomcat's frame writing is not reachable; sends take Tomcat's usual path", ex);
				return null;
			}
		}

	}

	/**
	 * The members of Tomcat's {@code PerMessageDeflate} that tell whether its messages
	 * compress alike for every client, looked up once.
	 */
	private record DeflateMembers(Class<?> type, VarHandle isServer, VarHandle serverContextTakeover,
			VarHandle serverMaxWindowBits, VarHandle next) {

		static @Nullable DeflateMembers find() {
			try {
				ClassLoader classLoader = TomcatDirectWrite.class.getClassLoader();
				Class<?> type = Class.forName("org.apache.tomcat.websocket.PerMessageDeflate", false, classLoader);
				Class<?> transformation = Class.forName("org.apache.tomcat.websocket.Transformation", false,
						classLoader);
				MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
				return new DeflateMembers(type, lookup.findVarHandle(type, "isServer", boolean.class),
						lookup.findVarHandle(type, "serverContextTakeover", boolean.class),
						lookup.findVarHandle(type, "serverMaxWindowBits", int.class),
						lookup.findVarHandle(type, "next", transformation));
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Tomcat's compression settings are not reachable; compressed frames take Tomcat's path",
						ex);
				return null;
			}
		}

	}

}

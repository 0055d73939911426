package dev.ambiorix.spring.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Jetty;
import org.eclipse.jetty.util.thread.AutoLock;
import org.eclipse.jetty.websocket.core.Behavior;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.OutgoingFrames;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.internal.FrameFlusher;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogMessage;

/**
 * A whole text frame written straight into a Jetty connection's socket while Jetty's
 * frame flusher has nothing queued and nothing in flight.
 * <p>
 * Jetty 12's {@code FrameFlusher} queues every frame in an entry of its own, gathers
 * entries into a list, takes a header buffer from its pool and hands an array of buffers
 * to the endpoint's write, which stores its state and callback: per frame, several new
 * objects stored into the connection's long-lived ones, each store a card the garbage
 * collector must scan again (a fifth to a quarter of the server's CPU in a broadcast to
 * 5,000 clients). Here, under the flusher's own lock (which every frame Jetty queues,
 * pongs and close frames too, must take first), a frame goes into the socket with one
 * non-blocking write when the flusher's queue and its current entries are empty, it holds
 * no batched bytes and it still takes frames; a small frame from {@link SharedFrame}'s
 * copy of header and payload, shared by every client of a broadcast. While the lock is
 * held the flusher cannot start a write of its own, since it must take the lock to take
 * an entry.
 * <p>
 * What the socket does not take at once is handed to the flusher as the bytes it holds
 * from batched frames, which it writes before any frame queued after them, and a flush
 * frame of Jetty's own ({@link FrameFlusher#FLUSH_FRAME}) is queued to write them and
 * report the frame's completion: from then on the frame goes Jetty's way, and Jetty's
 * pongs and close frames follow it. A frame the flusher is busy for takes Jetty's way
 * whole.
 * <p>
 * Used only on plain TCP ({@link SocketChannelEndPoint}), on a server connection whose
 * frames go from the given stage straight to the connection (no extension after it), on
 * Jetty 12.1 and where every member it needs is reachable; otherwise frames take Jetty's
 * usual path.
 * <p>
 * Only referenced by {@link JettySharedText} once Jetty's core API is known to be
 * present.
 */
final class JettyDirectWrite {

	private static final Log logger = LogFactory.getLog(JettyDirectWrite.class);

	/**
	 * The system property that, set to {@code false}, turns the direct write off, as
	 * {@code ambiorix.tomcat.direct-write} does on Tomcat.
	 */
	static final String ENABLED_PROPERTY = "ambiorix.jetty.direct-write";

	private static final boolean ENABLED = !"false".equals(System.getProperty(ENABLED_PROPERTY));

	/** The Jetty release whose frame flusher this was written against. */
	private static final String JETTY_VERSION = "12.1.";

	private static final @Nullable Members MEMBERS = Members.find();

	private final FrameFlusher flusher;

	private final EndPoint endPoint;

	private JettyDirectWrite(FrameFlusher flusher, EndPoint endPoint) {
		this.flusher = flusher;
		this.endPoint = endPoint;
	}

	/**
	 * Return the direct write of a server connection on plain TCP whose frames go from
	 * {@code next} straight to the connection, or {@code null} where Jetty's usual path
	 * must be used.
	 * @param coreSession the connection's core session
	 * @param next where the frames would otherwise go: the core session's stage that
	 * hands them to the connection, or an extension
	 * @return the direct write, or {@code null}
	 */
	static @Nullable JettyDirectWrite forConnection(WebSocketCoreSession coreSession, @Nullable OutgoingFrames next) {
		Members members = MEMBERS;
		WebSocketConnection connection = coreSession.getConnection();
		if (!ENABLED || members == null || connection == null || next == null
				|| next.getClass() != members.toConnection() || coreSession.getBehavior() != Behavior.SERVER) {
			return null;
		}
		EndPoint endPoint = connection.getEndPoint();
		// Exactly the plain socket's endpoint: TLS's encrypts what it is given.
		if (endPoint == null || endPoint.getClass() != SocketChannelEndPoint.class) {
			return null;
		}
		FrameFlusher flusher = members.flusher(connection);
		return (flusher != null) ? new JettyDirectWrite(flusher, endPoint) : null;
	}

	/**
	 * Write a whole frame, or hand it to Jetty's flusher in part, or decline it.
	 * @param first the frame's first byte: FIN, RSV1 when compressed, and the opcode
	 * @param payload the payload, which nobody writes to
	 * @param callback told when the frame is written or failed; on the calling thread
	 * when the socket took it at once
	 * @return {@code false} when nothing was written and the frame must take Jetty's
	 * usual path
	 */
	boolean send(byte first, byte[] payload, Callback callback) {
		Members members = MEMBERS;
		if (members == null || Thread.currentThread().isInterrupted()) {
			// An interrupted thread would close the channel it writes to.
			return false;
		}
		boolean written = false;
		boolean queued = false;
		Throwable failure = null;
		AutoLock lock = members.lock(this.flusher);
		try (AutoLock ignored = lock.lock()) {
			if (!members.idle(this.flusher)) {
				return false;
			}
			try {
				ByteBuffer[] frame = frame(first, payload);
				long size = remaining(frame);
				this.endPoint.flush(frame);
				long left = remaining(frame);
				if (left == size) {
					return false;
				}
				members.counted(this.flusher, size - left);
				if (left == 0) {
					written = true;
				}
				else {
					members.holdBytes(this.flusher, RetainableByteBuffer.wrap(rest(frame, left)));
					// Reentrant: the flusher's lock is ours, so nothing can come between.
					queued = this.flusher
						.enqueue(new OutgoingEntry.Builder(FrameFlusher.FLUSH_FRAME, callback).build());
				}
			}
			catch (Throwable ex) {
				failure = ex;
				// Nothing may follow a frame that may have been cut short.
				members.refuse(this.flusher, ex);
			}
		}
		if (failure != null) {
			this.endPoint.close(failure);
			callback.failed(failure);
		}
		else if (written) {
			callback.succeeded();
		}
		else if (queued) {
			this.flusher.iterate();
		}
		return true;
	}

	private static ByteBuffer[] frame(byte first, byte[] payload) {
		ByteBuffer shared = SharedFrame.of(first, payload);
		if (shared != null) {
			return new ByteBuffer[] { shared };
		}
		return SharedFrame.onHeap(first, payload);
	}

	/**
	 * Return what the socket did not take: the rest of the payload itself once the header
	 * went out whole and the payload is not the shared frame (a read-only view over bytes
	 * nobody writes to, so that a slow client of a large broadcast holds no copy of it);
	 * otherwise a copy, since the shared frame is rewritten by the next one (at most
	 * {@link SharedFrame#MAX_BYTES}).
	 */
	private static ByteBuffer rest(ByteBuffer[] frame, long left) {
		if (frame.length == 2 && !frame[0].hasRemaining()) {
			return frame[1];
		}
		ByteBuffer rest = ByteBuffer.allocate(Math.toIntExact(left));
		for (ByteBuffer buffer : frame) {
			rest.put(buffer);
		}
		return rest.flip();
	}

	private static long remaining(ByteBuffer[] buffers) {
		long remaining = 0;
		for (ByteBuffer buffer : buffers) {
			remaining += buffer.remaining();
		}
		return remaining;
	}

	/**
	 * The private members of Jetty's connection and flusher that the direct write reads,
	 * found once.
	 */
	private record Members(Class<?> toConnection, VarHandle flusher, VarHandle lock, VarHandle queue,
			VarHandle currentEntries, VarHandle batchBuffer, VarHandle canEnqueue, VarHandle closedCause,
			VarHandle messagesOut, VarHandle bytesOut) {

		static @Nullable Members find() {
			// The flusher's invariants this relies on were read in Jetty 12.1's sources.
			String version = Jetty.VERSION;
			if (version == null || !version.startsWith(JETTY_VERSION)) {
				logger.debug(LogMessage.format("Jetty %s is not %sx; frames take Jetty's way", version, JETTY_VERSION));
				return null;
			}
			try {
				MethodHandles.Lookup connection = MethodHandles.privateLookupIn(WebSocketConnection.class,
						MethodHandles.lookup());
				MethodHandles.Lookup flusher = MethodHandles.privateLookupIn(FrameFlusher.class,
						MethodHandles.lookup());
				Field flusherField = WebSocketConnection.class.getDeclaredField("flusher");
				if (!FrameFlusher.class.isAssignableFrom(flusherField.getType())) {
					return null;
				}
				// The core session's last outgoing stage, which hands frames to the
				// connection's flusher.
				Class<?> toConnection = Class.forName(WebSocketCoreSession.class.getName() + "$OutgoingAdaptor", false,
						WebSocketCoreSession.class.getClassLoader());
				return new Members(toConnection, connection.unreflectVarHandle(flusherField),
						flusher.findVarHandle(FrameFlusher.class, "_lock", AutoLock.class),
						field(flusher, "_queue", Collection.class), field(flusher, "_currentEntries", Collection.class),
						flusher.findVarHandle(FrameFlusher.class, "_batchBuffer", RetainableByteBuffer.class),
						flusher.findVarHandle(FrameFlusher.class, "_canEnqueue", boolean.class),
						flusher.findVarHandle(FrameFlusher.class, "_closedCause", Throwable.class),
						flusher.findVarHandle(FrameFlusher.class, "_messagesOut", LongAdder.class),
						flusher.findVarHandle(FrameFlusher.class, "_bytesOut", LongAdder.class));
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Jetty's frame flusher is not reachable; frames take Jetty's way", ex);
				return null;
			}
		}

		/** A field declared as a {@code Deque} or {@code List}, read as a collection. */
		private static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> as)
				throws ReflectiveOperationException {
			Field field = FrameFlusher.class.getDeclaredField(name);
			if (!as.isAssignableFrom(field.getType())) {
				throw new NoSuchFieldException(name + " is no " + as.getSimpleName());
			}
			return lookup.unreflectVarHandle(field);
		}

		@Nullable FrameFlusher flusher(WebSocketConnection connection) {
			Object flusher = this.flusher.get(connection);
			return (flusher instanceof FrameFlusher frameFlusher) ? frameFlusher : null;
		}

		AutoLock lock(FrameFlusher flusher) {
			return (AutoLock) this.lock.get(flusher);
		}

		/**
		 * Whether the flusher has nothing queued, nothing in flight and no batched bytes,
		 * and still takes frames. Called with the flusher's lock held.
		 */
		boolean idle(FrameFlusher flusher) {
			return (boolean) this.canEnqueue.get(flusher) && this.closedCause.get(flusher) == null
					&& this.batchBuffer.get(flusher) == null && ((Collection<?>) this.queue.get(flusher)).isEmpty()
					&& ((Collection<?>) this.currentEntries.get(flusher)).isEmpty();
		}

		/** Keep the flusher's statistics as if it had written the frame. */
		void counted(FrameFlusher flusher, long bytes) {
			((LongAdder) this.messagesOut.get(flusher)).increment();
			((LongAdder) this.bytesOut.get(flusher)).add(bytes);
		}

		/**
		 * Called with the flusher's lock held, while the flusher is idle. Released, as a
		 * flusher still returning from an empty round reads the field without the lock.
		 */
		void holdBytes(FrameFlusher flusher, RetainableByteBuffer bytes) {
			this.batchBuffer.setRelease(flusher, bytes);
		}

		/**
		 * Make the flusher refuse every frame from now on, as it does once it failed.
		 * Called with the flusher's lock held.
		 */
		void refuse(FrameFlusher flusher, Throwable failure) {
			this.canEnqueue.set(flusher, false);
			if (this.closedCause.get(flusher) == null) {
				this.closedCause.set(flusher, failure);
			}
		}

	}

}

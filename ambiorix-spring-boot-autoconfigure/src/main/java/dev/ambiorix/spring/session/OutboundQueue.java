package dev.ambiorix.spring.session;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * One client's outbound frames: bounded in size, written one at a time and in order, and
 * never waited on by the thread that offers a frame.
 * <p>
 * Whichever thread finds the queue idle starts the next asynchronous send; the
 * transport's completion starts the one after. A client whose queue overflows, or whose
 * send takes longer than the send time limit, is terminated through the
 * {@link Terminator} instead of holding anyone up.
 */
final class OutboundQueue {

	static final CloseStatus BUFFER_OVERFLOW = CloseStatus.POLICY_VIOLATION
		.withReason("send buffer overflow: client is not reading");

	static final CloseStatus SEND_TIME_LIMIT = CloseStatus.POLICY_VIOLATION
		.withReason("send time limit exceeded: client is not reading");

	static final CloseStatus SEND_FAILED = CloseStatus.SESSION_NOT_RELIABLE.withReason("send failed");

	private static final Object PING = new Object();

	private final Transport transport;

	private final long maxQueuedBytes;

	private final long sendTimeLimitNanos;

	private final Terminator terminator;

	private final Object lock = new Object();

	/** Frames (String), {@link #PING} or a {@link CloseStatus}; created on first use. */
	private @Nullable ArrayDeque<Object> queue;

	private long queuedBytes;

	private int inFlightBytes;

	private long inFlightSince;

	private boolean inFlight;

	private boolean closed;

	/** Whether a close waits behind the queued frames: no frame may follow it. */
	private boolean closing;

	/** Whether a ping is queued or in flight. */
	private boolean pingPending;

	private boolean pingInFlight;

	/** Work-in-progress counter so that exactly one thread pumps at a time. */
	private final AtomicInteger pumping = new AtomicInteger();

	/** Told when a send completes: one for every send, not one made for each. */
	private final Transport.SendCallback sent = this::sent;

	OutboundQueue(Transport transport, long maxQueuedBytes, long sendTimeLimitNanos, Terminator terminator) {
		this.transport = transport;
		this.maxQueuedBytes = maxQueuedBytes;
		this.sendTimeLimitNanos = sendTimeLimitNanos;
		this.terminator = terminator;
	}

	/**
	 * Queue a text frame. A frame larger than the whole buffer is still accepted into an
	 * empty queue, so that one big message does not disconnect a healthy client.
	 * @param frame the frame text
	 * @return {@code false} when the queue is closed or closing, or just overflowed
	 */
	boolean offer(String frame) {
		boolean overflow = false;
		synchronized (this.lock) {
			if (this.closed || this.closing) {
				return false;
			}
			long pending = this.queuedBytes + this.inFlightBytes;
			int bytes = Utf8.length(frame);
			if (pending > 0 && pending + bytes > this.maxQueuedBytes) {
				overflow = true;
			}
			else {
				queue().add(frame);
				this.queuedBytes += bytes;
			}
		}
		if (overflow) {
			terminate(BUFFER_OVERFLOW);
			return false;
		}
		pump();
		return true;
	}

	/**
	 * Queue a ping ahead of the frames waiting, so that it goes out right after the send
	 * in flight: a client that only receives is busy receiving whenever it is pinged, and
	 * its pong is all that proves it alive. A ping still waiting or in flight is not
	 * doubled.
	 */
	void ping() {
		synchronized (this.lock) {
			if (this.closed || this.closing || this.pingPending) {
				return;
			}
			this.pingPending = true;
			queue().addFirst(PING);
		}
		pump();
	}

	/**
	 * Queue a close after the frames already queued.
	 * @param status the close status
	 */
	void closeAfterPending(CloseStatus status) {
		synchronized (this.lock) {
			if (this.closed || this.closing) {
				return;
			}
			this.closing = true;
			queue().add(status);
		}
		pump();
	}

	/**
	 * Terminate the client if its current send has taken too long.
	 * @param now the current {@link System#nanoTime()}
	 */
	void checkSendTime(long now) {
		boolean stuck;
		synchronized (this.lock) {
			stuck = !this.closed && this.inFlight && now - this.inFlightSince > this.sendTimeLimitNanos;
		}
		if (stuck) {
			terminate(SEND_TIME_LIMIT);
		}
	}

	/**
	 * Drop everything queued and refuse further frames.
	 * @return {@code true} if this call closed the queue
	 */
	boolean discard() {
		synchronized (this.lock) {
			if (this.closed) {
				return false;
			}
			this.closed = true;
			this.queue = null;
			this.queuedBytes = 0;
			return true;
		}
	}

	boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	/**
	 * Return whether frames are still taken: neither closed nor closing.
	 * @return {@code true} while frames are taken
	 */
	boolean isAccepting() {
		synchronized (this.lock) {
			return !this.closed && !this.closing;
		}
	}

	long queuedBytes() {
		synchronized (this.lock) {
			return this.queuedBytes + this.inFlightBytes;
		}
	}

	private ArrayDeque<Object> queue() {
		ArrayDeque<Object> queue = this.queue;
		if (queue == null) {
			queue = new ArrayDeque<>(4);
			this.queue = queue;
		}
		return queue;
	}

	private void terminate(CloseStatus status) {
		if (discard()) {
			this.terminator.terminate(status);
		}
	}

	/**
	 * Start the next send if none is in flight. Completions that run on this thread
	 * re-enter here; the counter turns that recursion into iterations of this loop.
	 */
	private void pump() {
		if (this.pumping.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			Object next = takeNext();
			try {
				if (next instanceof String text) {
					this.transport.sendText(text, this.sent);
				}
				else if (next == PING) {
					this.transport.sendPing(this.sent);
				}
				else if (next instanceof CloseStatus status) {
					discard();
					this.transport.close(status);
				}
			}
			catch (RuntimeException ex) {
				// Transports report failures through the callback; one that throws
				// instead must not leave this loop, which would stop the queue for good.
				if (next instanceof CloseStatus) {
					this.terminator.terminate(SEND_FAILED);
				}
				else {
					sent(ex);
				}
			}
			missed = this.pumping.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private @Nullable Object takeNext() {
		synchronized (this.lock) {
			if (this.closed || this.inFlight || this.queue == null || this.queue.isEmpty()) {
				return null;
			}
			Object next = this.queue.poll();
			if (next instanceof String text) {
				int bytes = Utf8.length(text);
				this.queuedBytes -= bytes;
				this.inFlightBytes = bytes;
			}
			if (next instanceof CloseStatus) {
				return next;
			}
			this.pingInFlight = (next == PING);
			this.inFlight = true;
			this.inFlightSince = System.nanoTime();
			return next;
		}
	}

	private void sent(@Nullable Throwable failure) {
		synchronized (this.lock) {
			if (this.pingInFlight) {
				this.pingInFlight = false;
				this.pingPending = false;
			}
			this.inFlight = false;
			this.inFlightBytes = 0;
		}
		if (failure != null) {
			terminate(SEND_FAILED);
			return;
		}
		pump();
	}

	/**
	 * Told when the queue gives up on its client.
	 */
	@FunctionalInterface
	interface Terminator {

		/**
		 * Close the client at once, without waiting for queued frames.
		 * @param status why
		 */
		void terminate(CloseStatus status);

	}

}

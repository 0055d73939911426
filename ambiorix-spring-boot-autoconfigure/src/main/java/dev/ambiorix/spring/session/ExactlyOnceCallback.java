package dev.ambiorix.spring.session;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;

/**
 * Passes on the first completion of one send and ignores any later one, so that a
 * container that reports a send twice (or reports it and then throws) cannot make the
 * outbound queue start two writes at once. The transports' container-specific callbacks
 * extend it.
 * <p>
 * One is made for every send, so its flag is a field of its own rather than an object of
 * its own.
 */
class ExactlyOnceCallback implements Transport.SendCallback {

	private static final AtomicIntegerFieldUpdater<ExactlyOnceCallback> DONE = AtomicIntegerFieldUpdater
		.newUpdater(ExactlyOnceCallback.class, "done");

	private volatile int done;

	private final Transport.SendCallback callback;

	ExactlyOnceCallback(Transport.SendCallback callback) {
		this.callback = callback;
	}

	@Override
	public final void completed(@Nullable Throwable failure) {
		if (DONE.compareAndSet(this, 0, 1)) {
			this.callback.completed(failure);
		}
	}

}

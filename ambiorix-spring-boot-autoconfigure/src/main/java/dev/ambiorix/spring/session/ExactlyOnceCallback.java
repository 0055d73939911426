package dev.ambiorix.spring.session;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * Passes on the first completion of one send and ignores any later one, so that a
 * container that reports a send twice (or reports it and then throws) cannot make the
 * outbound queue start two writes at once. The transports' container-specific callbacks
 * extend it.
 */
class ExactlyOnceCallback implements Transport.SendCallback {

	private final AtomicBoolean done = new AtomicBoolean();

	private final Transport.SendCallback callback;

	ExactlyOnceCallback(Transport.SendCallback callback) {
		this.callback = callback;
	}

	@Override
	public final void completed(@Nullable Throwable failure) {
		if (this.done.compareAndSet(false, true)) {
			this.callback.completed(failure);
		}
	}

}

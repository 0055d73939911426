package dev.ambiorix.spring.endpoint;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The rate-limited frames of one client in a sliding window, to tell a client that keeps
 * breaking the limit from one that bursts now and then. Used by one thread at a time.
 */
final class RateViolations {

	/** Never has too many. */
	static final RateViolations NEVER = new RateViolations(0, Duration.ofSeconds(1));

	private final long[] times;

	private final long windowNanos;

	private final LongSupplier nanoTime;

	private int next;

	private long count;

	/**
	 * Create an empty record.
	 * @param max violations within the window that are too many; zero for never
	 * @param window the window
	 */
	RateViolations(int max, Duration window) {
		this(max, window, System::nanoTime);
	}

	RateViolations(int max, Duration window, LongSupplier nanoTime) {
		this.times = new long[max];
		this.windowNanos = window.toNanos();
		this.nanoTime = nanoTime;
	}

	/**
	 * Record a violation now.
	 * @return whether it makes {@code max} violations within the window
	 */
	boolean tooMany() {
		if (this.times.length == 0) {
			return false;
		}
		long now = this.nanoTime.getAsLong();
		this.times[this.next] = now;
		this.next = (this.next + 1) % this.times.length;
		this.count++;
		// The slot written next holds the oldest of the last max violations.
		return this.count >= this.times.length && now - this.times[this.next] < this.windowNanos;
	}

}

package dev.ambiorix.spring.endpoint;

/**
 * A token bucket of frames per second for one client. Used by one thread at a time.
 */
final class RateLimiter {

	/** Never limits. */
	static final RateLimiter UNLIMITED = new RateLimiter(0, 0);

	private final double tokensPerNano;

	private final double capacity;

	private double tokens;

	private long refilledAt = System.nanoTime();

	/**
	 * Create a bucket.
	 * @param perSecond frames allowed per second on average; zero for no limit
	 * @param burst frames allowed at once
	 */
	RateLimiter(int perSecond, int burst) {
		this.tokensPerNano = perSecond / 1e9;
		this.capacity = Math.max(burst, 1);
		this.tokens = this.capacity;
	}

	boolean tryAcquire() {
		if (this.tokensPerNano == 0) {
			return true;
		}
		long now = System.nanoTime();
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= 1;
		return true;
	}

}

package dev.ambiorix.spring.endpoint;

import org.springframework.util.Assert;

/**
 * Limits on what one client may send.
 *
 * @param maxMessageBytes the largest message, in UTF-8 bytes; larger closes with 1009
 * @param ratePerSecond frames allowed per second on average; zero for no limit
 * @param burst frames allowed at once when rate limited
 */
public record InboundLimits(long maxMessageBytes, int ratePerSecond, int burst) {

	public InboundLimits {
		Assert.isTrue(maxMessageBytes > 0, "maxMessageBytes must be positive");
		Assert.isTrue(ratePerSecond >= 0, "ratePerSecond must not be negative");
		Assert.isTrue(burst >= 0, "burst must not be negative");
	}

	RateLimiter newRateLimiter() {
		return (this.ratePerSecond == 0) ? RateLimiter.UNLIMITED
				: new RateLimiter(this.ratePerSecond, (this.burst > 0) ? this.burst : this.ratePerSecond);
	}

}

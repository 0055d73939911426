package dev.ambiorix.spring.endpoint;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Limits on what one client may send.
 *
 * @param maxMessageBytes the largest message, in UTF-8 bytes; larger closes with 1009
 * @param ratePerSecond frames allowed per second on average; zero for no limit
 * @param burst frames allowed at once when rate limited
 * @param maxViolations rate-limited frames within {@code violationWindow} after which the
 * client is closed with 1008; zero never closes
 * @param violationWindow the window in which {@code maxViolations} count
 */
public record InboundLimits(long maxMessageBytes, int ratePerSecond, int burst, int maxViolations,
		Duration violationWindow) {

	/** The default of {@code maxViolations}. */
	public static final int DEFAULT_MAX_VIOLATIONS = 10;

	/** The default of {@code violationWindow}. */
	public static final Duration DEFAULT_VIOLATION_WINDOW = Duration.ofSeconds(10);

	public InboundLimits {
		Assert.isTrue(maxMessageBytes > 0, "maxMessageBytes must be positive");
		Assert.isTrue(ratePerSecond >= 0, "ratePerSecond must not be negative");
		Assert.isTrue(burst >= 0, "burst must not be negative");
		Assert.isTrue(maxViolations >= 0, "maxViolations must not be negative");
		Assert.isTrue(!violationWindow.isNegative() && !violationWindow.isZero(), "violationWindow must be positive");
	}

	/**
	 * Limits that close a client after the default number of violations.
	 * @param maxMessageBytes the largest message, in UTF-8 bytes; larger closes with 1009
	 * @param ratePerSecond frames allowed per second on average; zero for no limit
	 * @param burst frames allowed at once when rate limited
	 */
	public InboundLimits(long maxMessageBytes, int ratePerSecond, int burst) {
		this(maxMessageBytes, ratePerSecond, burst, DEFAULT_MAX_VIOLATIONS, DEFAULT_VIOLATION_WINDOW);
	}

	RateLimiter newRateLimiter() {
		return (this.ratePerSecond == 0) ? RateLimiter.UNLIMITED
				: new RateLimiter(this.ratePerSecond, (this.burst > 0) ? this.burst : this.ratePerSecond);
	}

	RateViolations newViolations() {
		return (this.ratePerSecond == 0 || this.maxViolations == 0) ? RateViolations.NEVER
				: new RateViolations(this.maxViolations, this.violationWindow);
	}

}

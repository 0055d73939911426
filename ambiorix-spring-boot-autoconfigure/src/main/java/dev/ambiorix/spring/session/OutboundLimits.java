package dev.ambiorix.spring.session;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How much may wait for one client, and for how long one send may take.
 *
 * @param maxQueuedChars the most characters of frames queued or in flight
 * @param sendTimeLimit the longest one send may take
 */
public record OutboundLimits(long maxQueuedChars, Duration sendTimeLimit) {

	public OutboundLimits {
		Assert.isTrue(maxQueuedChars > 0, "maxQueuedChars must be positive");
		Assert.isTrue(sendTimeLimit.toNanos() > 0, "sendTimeLimit must be positive");
	}

	long sendTimeLimitNanos() {
		return this.sendTimeLimit.toNanos();
	}

}

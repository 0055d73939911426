package dev.ambiorix.spring.session;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How much may wait for one client, and for how long one send may take.
 *
 * @param maxQueuedBytes the most bytes (UTF-8) of frames queued or in flight
 * @param sendTimeLimit the longest one send may take
 */
public record OutboundLimits(long maxQueuedBytes, Duration sendTimeLimit) {

	public OutboundLimits {
		Assert.isTrue(maxQueuedBytes > 0, "maxQueuedBytes must be positive");
		Assert.isTrue(sendTimeLimit.toNanos() > 0, "sendTimeLimit must be positive");
	}

	long sendTimeLimitNanos() {
		return this.sendTimeLimit.toNanos();
	}

}

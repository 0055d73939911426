package dev.ambiorix.spring.endpoint;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Violations count within a sliding window: the max-th within it is too many, spread
 * wider they never are, and zero never closes.
 */
class RateViolationsTest {

	@Test
	void theMaxThViolationWithinTheWindowIsTooManyAndSoIsEveryOneAfter() {
		RateViolations violations = new RateViolations(10, Duration.ofMinutes(1));
		for (int i = 1; i < 10; i++) {
			assertThat(violations.tooMany()).as("violation %d", i).isFalse();
		}
		assertThat(violations.tooMany()).isTrue();
		assertThat(violations.tooMany()).isTrue();
	}

	@Test
	void violationsSpreadWiderThanTheWindowAreNeverTooMany() {
		AtomicLong now = new AtomicLong();
		RateViolations violations = new RateViolations(3, Duration.ofSeconds(10), now::get);
		for (int i = 0; i < 100; i++) {
			now.addAndGet(Duration.ofSeconds(5).toNanos() + 1);
			assertThat(violations.tooMany()).as("violation %d, 5 s after the one before", i).isFalse();
		}
		now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(violations.tooMany()).as("three within 10 s").isTrue();
	}

	@Test
	void limitsWithoutARateOrWithZeroMaxViolationsNeverClose() {
		assertThat(new InboundLimits(1024, 0, 0, 1, Duration.ofMinutes(1)).newViolations())
			.isSameAs(RateViolations.NEVER);
		assertThat(new InboundLimits(1024, 5, 5, 0, Duration.ofMinutes(1)).newViolations())
			.isSameAs(RateViolations.NEVER);
		for (int i = 0; i < 100; i++) {
			assertThat(RateViolations.NEVER.tooMany()).isFalse();
		}
	}

}

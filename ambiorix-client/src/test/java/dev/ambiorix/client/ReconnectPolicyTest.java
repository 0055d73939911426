package dev.ambiorix.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The backoff of {@link ReconnectPolicy}, the same as {@code ambiorix.js}'s.
 */
class ReconnectPolicyTest {

	private final ReconnectPolicy defaults = ReconnectPolicy.defaults();

	@Test
	void defaultsAreThoseOfAmbiorixJs() {
		assertThat(this.defaults.initialDelay()).isEqualTo(Duration.ofMillis(500));
		assertThat(this.defaults.maxDelay()).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.defaults.factor()).isEqualTo(2);
		assertThat(this.defaults.enabled()).isTrue();
	}

	@Test
	void delaysGrowByTheFactorUpToTheMaximum() {
		assertThat(this.defaults.delay(0, () -> 1.0)).isEqualTo(Duration.ofMillis(500));
		assertThat(this.defaults.delay(1, () -> 1.0)).isEqualTo(Duration.ofMillis(1000));
		assertThat(this.defaults.delay(3, () -> 1.0)).isEqualTo(Duration.ofMillis(4000));
		assertThat(this.defaults.delay(10, () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.defaults.delay(Integer.MAX_VALUE, () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void jitterKeepsEachDelayBetweenHalfAndAllOfItsCeiling() {
		assertThat(this.defaults.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(1000));
		assertThat(this.defaults.delay(2, () -> 0.5)).isEqualTo(Duration.ofMillis(1500));
	}

	@Test
	void badSettingsAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReconnectPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1), 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), Double.NaN));
	}

}

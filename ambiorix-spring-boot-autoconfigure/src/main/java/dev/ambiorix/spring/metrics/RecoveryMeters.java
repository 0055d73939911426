package dev.ambiorix.spring.metrics;

import dev.ambiorix.spring.recovery.Recovery;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code ambiorix.recovery} counter: attempts to recover a session, by outcome.
 */
final class RecoveryMeters {

	private final Recovery recovery;

	/**
	 * Create meters over the given recovery.
	 * @param recovery this node's recovery
	 */
	public RecoveryMeters(Recovery recovery) {
		this.recovery = recovery;
	}

	/**
	 * Register one counter for each outcome.
	 * @param registry the registry
	 */
	public void register(MeterRegistry registry) {
		for (String outcome : Recovery.OUTCOMES) {
			FunctionCounter.builder("ambiorix.recovery", this.recovery, (recovery) -> recovery.attempts(outcome))
				.description("Attempts to recover a session after a reconnect, by outcome")
				.tag("outcome", outcome)
				.register(registry);
		}
	}

}

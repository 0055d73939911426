package dev.ambiorix.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * When the client reconnects after losing its connection: exponential backoff with
 * jitter, with the same defaults as {@code ambiorix.js}. Immutable and thread-safe.
 * <p>
 * Delay {@code n} (counting from 0) is {@code min(maxDelay, initialDelay * factor^n)},
 * randomised to between 50% and 100% of that so that clients dropped together do not all
 * come back at the same instant. The count starts again once a connection opens.
 */
public final class ReconnectPolicy {

	private static final ReconnectPolicy DEFAULTS = new ReconnectPolicy(true, Duration.ofMillis(500),
			Duration.ofSeconds(30), 2);

	private static final ReconnectPolicy NONE = new ReconnectPolicy(false, Duration.ZERO, Duration.ZERO, 1);

	private final boolean enabled;

	private final Duration initialDelay;

	private final Duration maxDelay;

	private final double factor;

	private ReconnectPolicy(boolean enabled, Duration initialDelay, Duration maxDelay, double factor) {
		this.enabled = enabled;
		this.initialDelay = initialDelay;
		this.maxDelay = maxDelay;
		this.factor = factor;
	}

	/**
	 * Return the defaults of {@code ambiorix.js}: 500 ms, doubling, at most 30 s.
	 * @return the default policy
	 */
	public static ReconnectPolicy defaults() {
		return DEFAULTS;
	}

	/**
	 * Return a policy that never reconnects: a lost connection ends the client.
	 * @return the policy
	 */
	public static ReconnectPolicy none() {
		return NONE;
	}

	/**
	 * Return an exponential backoff policy.
	 * @param initialDelay the delay before the first attempt, positive
	 * @param maxDelay the longest delay, at least {@code initialDelay}
	 * @param factor what each delay is multiplied by, at least 1
	 * @return the policy
	 */
	public static ReconnectPolicy exponential(Duration initialDelay, Duration maxDelay, double factor) {
		Objects.requireNonNull(initialDelay, "initialDelay");
		Objects.requireNonNull(maxDelay, "maxDelay");
		if (initialDelay.isNegative() || initialDelay.isZero()) {
			throw new IllegalArgumentException("initialDelay must be positive");
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException("maxDelay must not be shorter than initialDelay");
		}
		if (!(factor >= 1) || Double.isInfinite(factor)) {
			throw new IllegalArgumentException("factor must be a finite number of at least 1");
		}
		return new ReconnectPolicy(true, initialDelay, maxDelay, factor);
	}

	/**
	 * Return whether the client reconnects at all.
	 * @return {@code false} for {@link #none()}
	 */
	public boolean enabled() {
		return this.enabled;
	}

	/**
	 * Return the delay before the first attempt, before jitter.
	 * @return the initial delay
	 */
	public Duration initialDelay() {
		return this.initialDelay;
	}

	/**
	 * Return the longest delay, before jitter.
	 * @return the maximum delay
	 */
	public Duration maxDelay() {
		return this.maxDelay;
	}

	/**
	 * Return what each delay is multiplied by.
	 * @return the factor
	 */
	public double factor() {
		return this.factor;
	}

	Duration delay(int attempt, DoubleSupplier random) {
		double ceiling = Math.min(this.maxDelay.toMillis(),
				this.initialDelay.toMillis() * Math.pow(this.factor, Math.min(attempt, 64)));
		return Duration.ofMillis(Math.round(ceiling * (0.5 + 0.5 * random.getAsDouble())));
	}

	@Override
	public String toString() {
		return this.enabled ? "ReconnectPolicy[initialDelay=" + this.initialDelay + ", maxDelay=" + this.maxDelay
				+ ", factor=" + this.factor + "]" : "ReconnectPolicy[none]";
	}

}

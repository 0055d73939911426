package dev.ambiorix.spring.endpoint;

import java.util.concurrent.atomic.LongAdder;

import dev.ambiorix.spring.protocol.ErrorCode;

/**
 * Counts what arrived: frames, frames parsed, frames ignored as not ours, and errors by
 * code.
 */
public final class InboundCounters {

	private final LongAdder frames = new LongAdder();

	private final LongAdder parsed = new LongAdder();

	private final LongAdder ignored = new LongAdder();

	private final LongAdder[] errors = new LongAdder[ErrorCode.values().length];

	InboundCounters() {
		for (int i = 0; i < this.errors.length; i++) {
			this.errors[i] = new LongAdder();
		}
	}

	void countFrame() {
		this.frames.increment();
	}

	void countParsed() {
		this.parsed.increment();
	}

	void countIgnored() {
		this.ignored.increment();
	}

	void countError(ErrorCode code) {
		this.errors[code.ordinal()].increment();
	}

	/**
	 * Return how many complete frames arrived.
	 * @return the count
	 */
	public long frames() {
		return this.frames.sum();
	}

	/**
	 * Return how many complete text frames were parsed: those over the rate limit are
	 * not.
	 * @return the count
	 */
	public long parsed() {
		return this.parsed.sum();
	}

	/**
	 * Return how many JSON objects without {@code "isAmbiorix": true} were ignored.
	 * @return the count
	 */
	public long ignored() {
		return this.ignored.sum();
	}

	/**
	 * Return how many errors of a kind were sent.
	 * @param code the error code
	 * @return the count
	 */
	public long errors(ErrorCode code) {
		return this.errors[code.ordinal()].sum();
	}

}

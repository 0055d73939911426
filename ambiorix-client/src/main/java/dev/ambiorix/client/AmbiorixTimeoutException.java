package dev.ambiorix.client;

import java.time.Duration;

/**
 * No reply to a request arrived within its timeout.
 */
public class AmbiorixTimeoutException extends AmbiorixException {

	private static final long serialVersionUID = 1L;

	private final Duration timeout;

	/**
	 * Create an exception.
	 * @param message the description
	 * @param timeout how long the request waited
	 */
	public AmbiorixTimeoutException(String message, Duration timeout) {
		super("timeout", message, null);
		this.timeout = timeout;
	}

	/**
	 * Return how long the request waited.
	 * @return the timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}

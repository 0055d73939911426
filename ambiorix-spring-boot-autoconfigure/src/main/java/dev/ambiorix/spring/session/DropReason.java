package dev.ambiorix.spring.session;

import org.springframework.web.socket.CloseStatus;

/**
 * Why a client's outbound queue gave up on it.
 */
public enum DropReason {

	/** More was queued for the client than its send buffer holds: it is not reading. */
	BUFFER_OVERFLOW("buffer_overflow", true),

	/** One send took longer than the send time limit: it is not reading. */
	SEND_TIME_LIMIT("send_time_limit", true),

	/** A send failed: the connection broke. */
	SEND_FAILED("send_failed", false);

	private final String tag;

	private final boolean slow;

	DropReason(String tag, boolean slow) {
		this.tag = tag;
		this.slow = slow;
	}

	/**
	 * Return the reason as a metric tag value.
	 * @return the snake_case reason
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Return whether the client was dropped for being slow, rather than broken.
	 * @return whether it stopped reading
	 */
	public boolean slow() {
		return this.slow;
	}

	static DropReason of(CloseStatus status) {
		if (OutboundQueue.BUFFER_OVERFLOW.equals(status)) {
			return BUFFER_OVERFLOW;
		}
		return OutboundQueue.SEND_TIME_LIMIT.equals(status) ? SEND_TIME_LIMIT : SEND_FAILED;
	}

}

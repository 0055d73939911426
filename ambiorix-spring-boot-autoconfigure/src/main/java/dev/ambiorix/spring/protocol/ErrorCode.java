package dev.ambiorix.spring.protocol;

/**
 * The {@code code} of an {@code ambiorix:error} envelope.
 */
public enum ErrorCode {

	/** The envelope names no handler. */
	UNKNOWN_NAME("unknown_name"),

	/** The frame is not JSON, or has duplicate keys or trailing data. */
	INVALID_JSON("invalid_json"),

	/** The JSON is not a valid envelope: not an object, or a bad name or id. */
	INVALID_ENVELOPE("invalid_envelope"),

	/** The message does not convert to the handler's parameter or fails validation. */
	INVALID_MESSAGE("invalid_message"),

	/** The handler threw. */
	HANDLER_ERROR("handler_error"),

	/** The client's user may not call the handler (Spring Security denied it). */
	FORBIDDEN("forbidden"),

	/** A binary frame arrived; the protocol is text only. */
	UNSUPPORTED_FRAME("unsupported_frame"),

	/** The client sent more frames per second than its rate limit allows. */
	RATE_LIMITED("rate_limited");

	private final String wireCode;

	ErrorCode(String wireCode) {
		this.wireCode = wireCode;
	}

	/**
	 * Return the code as written on the wire.
	 * @return the snake_case code
	 */
	public String wireCode() {
		return this.wireCode;
	}

}

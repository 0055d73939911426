package dev.ambiorix.spring;

/**
 * The envelope's message is not acceptable: it does not convert to the handler's
 * parameter type, fails validation, or a handler refuses it. Thrown from a
 * {@code @Receive} method, it answers the sender with error {@code invalid_message} and
 * this detail, which is shown to the client as it is, and nothing is logged as a failure.
 */
public class InvalidMessageException extends RuntimeException {

	private final String detail;

	/**
	 * Create the exception.
	 * @param detail what is wrong, naming the field path
	 */
	public InvalidMessageException(String detail) {
		super(detail, null, false, false);
		this.detail = detail;
	}

	/**
	 * Return what is wrong, for the client.
	 * @return the detail
	 */
	public String getDetail() {
		return this.detail;
	}

}

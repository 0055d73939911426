package dev.ambiorix.spring.handler;

/**
 * The envelope's message does not convert to the handler's parameter type, or fails
 * validation. Its message names the field path and is safe to show to the client.
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

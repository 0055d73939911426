package dev.ambiorix.client;

import org.jspecify.annotations.Nullable;

/**
 * The server answered a request with an {@code ambiorix:error} envelope; {@link #code()}
 * is the server's error code, such as {@code unknown_name} or {@code handler_error}.
 */
public class AmbiorixErrorException extends AmbiorixException {

	private static final long serialVersionUID = 1L;

	private final String detail;

	private final @Nullable String name;

	/**
	 * Create an exception from the fields of an error envelope's message.
	 * @param code the server's error code
	 * @param detail the server's description of the error
	 * @param name the name of the envelope the error is about, if the server said
	 */
	public AmbiorixErrorException(String code, String detail, @Nullable String name) {
		super(code, "ambiorix:error " + code + ((name != null) ? " for '" + name + "'" : "")
				+ (detail.isEmpty() ? "" : ": " + detail), null);
		this.detail = detail;
		this.name = name;
	}

	/**
	 * Return the server's description of the error.
	 * @return the detail, empty if the server gave none
	 */
	public String detail() {
		return this.detail;
	}

	/**
	 * Return the name of the envelope the error is about.
	 * @return the name, or {@code null} if the server did not say
	 */
	public @Nullable String name() {
		return this.name;
	}

}

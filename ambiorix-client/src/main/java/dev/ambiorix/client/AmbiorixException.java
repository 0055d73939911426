package dev.ambiorix.client;

import org.jspecify.annotations.Nullable;

/**
 * A failure of the Ambiorix client, with a short machine-readable {@link #code() code}.
 * <p>
 * The subclasses say what went wrong: the server answered with an error
 * ({@link AmbiorixErrorException}), no reply came in time
 * ({@link AmbiorixTimeoutException}), the connection was lost or closed
 * ({@link AmbiorixDisconnectedException}), the send queue was full
 * ({@link AmbiorixQueueFullException}), or the server does not reply to requests
 * ({@link AmbiorixUnsupportedException}).
 */
public class AmbiorixException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String code;

	/**
	 * Create an exception.
	 * @param code the short code, such as {@code timeout} or a server's error code
	 * @param message the description
	 * @param cause the cause, if any
	 */
	public AmbiorixException(String code, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/**
	 * Return the code: the server's error code ({@code unknown_name},
	 * {@code invalid_message}...) or one of the client's own ({@code timeout},
	 * {@code disconnected}, {@code closed}, {@code queue_full}, {@code unsupported},
	 * {@code invalid_reply}).
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

}

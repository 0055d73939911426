package dev.ambiorix.client;

/**
 * The server does not reply to requests: it speaks only protocol version 1, as Ambiorix's
 * R server does, so the client refuses {@code request()} at once instead of waiting for a
 * reply that never comes.
 */
public class AmbiorixUnsupportedException extends AmbiorixException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message the description
	 */
	public AmbiorixUnsupportedException(String message) {
		super("unsupported", message, null);
	}

}

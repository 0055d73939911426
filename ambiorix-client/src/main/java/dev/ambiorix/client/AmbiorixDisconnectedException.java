package dev.ambiorix.client;

/**
 * A request cannot get its reply: the connection it went out on was lost (code
 * {@code disconnected}) or the client was closed (code {@code closed}).
 */
public class AmbiorixDisconnectedException extends AmbiorixException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param code {@code disconnected} or {@code closed}
	 * @param message the description
	 */
	public AmbiorixDisconnectedException(String code, String message) {
		super(code, message, null);
	}

}

package dev.ambiorix.client;

import org.jspecify.annotations.Nullable;

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

	/**
	 * Create an exception with the failure that lost the connection.
	 * @param code {@code disconnected} or {@code closed}
	 * @param message the description
	 * @param cause what failed, for instance the JDK's
	 * {@link java.net.http.WebSocketHandshakeException} with the server's HTTP response
	 * when it refused the upgrade
	 */
	public AmbiorixDisconnectedException(String code, String message, @Nullable Throwable cause) {
		super(code, message, cause);
	}

}

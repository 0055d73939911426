package dev.ambiorix.spring.session;

/**
 * What the endpoint asks of the recovery of connections: the seam at which the
 * {@code ambiorix:hello} exchange plugs in.
 */
public interface ConnectionRecovery {

	/**
	 * No recovery: every frame goes to the handlers.
	 */
	ConnectionRecovery NONE = new ConnectionRecovery() {

		@Override
		public boolean firstFrame(ClientConnection client, String text) {
			return false;
		}

		@Override
		public boolean closed(ClientConnection client) {
			return false;
		}

	};

	/**
	 * Look at the first text frame of a connection.
	 * @param client the client
	 * @param text the frame
	 * @return {@code true} when it was a hello and was answered, {@code false} when it is
	 * an ordinary frame
	 */
	boolean firstFrame(ClientConnection client, String text);

	/**
	 * A connection closed; keep what is needed to recover it.
	 * @param client the client
	 * @return {@code true} when the connection was replaced by a recovered one, so its
	 * close is no disconnect of the client
	 */
	boolean closed(ClientConnection client);

}

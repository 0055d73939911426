package dev.ambiorix.client;

import java.util.function.Consumer;

/**
 * What happens on a connection between its opening and the queued sends going out: the
 * extension point for recovery (SPEC section 7), which will present what the client was
 * given at connect and what it last received, and take the server's
 * {@code ambiorix:}-named answers before any handler sees them.
 * <p>
 * {@link #NONE} with {@code protocolExtensions(false)} or {@code recovery(false)}, so
 * that a protocol version 1 server (Ambiorix's R server) sees only version 1 frames;
 * {@link Recovery} otherwise.
 */
interface ConnectionHandshake {

	/** No handshake: protocol version 1. */
	ConnectionHandshake NONE = new ConnectionHandshake() {

		@Override
		public void opened(Consumer<String> write) {
		}

		@Override
		public boolean intercept(EnvelopeCodec.Inbound envelope) {
			return false;
		}

	};

	/**
	 * A connection opened; called under the client's lock, before queued sends.
	 * @param write writes a frame ahead of the queue
	 */
	void opened(Consumer<String> write);

	/**
	 * Take an envelope that belongs to the handshake.
	 * @param envelope an envelope from the server
	 * @return {@code true} if it was the handshake's and must not reach handlers
	 */
	boolean intercept(EnvelopeCodec.Inbound envelope);

	/**
	 * Return whether the next connection may recover this one's session, so that replies
	 * lost with it may come in the replay.
	 * @return {@code true} if a hello will present a session
	 */
	default boolean canResume() {
		return false;
	}

	/**
	 * The connection closed.
	 */
	default void lost() {
	}

}

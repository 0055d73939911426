package dev.ambiorix.client;

import java.util.function.Consumer;

/**
 * What happens on a connection between its opening and the queued sends going out: the
 * extension point for recovery (SPEC section 7), which will present what the client was
 * given at connect and what it last received, and take the server's
 * {@code ambiorix:}-named answers before any handler sees them.
 * <p>
 * Only {@link #NONE} exists today: the server side of recovery does not. A handshake must
 * only ever run when the server has offered it, since a protocol version 1 server
 * (Ambiorix's R server) may close the connection on frames it does not know.
 */
interface ConnectionHandshake {

	/** No handshake: protocol version 1, and our server until it offers recovery. */
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

}

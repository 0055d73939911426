package dev.ambiorix.spring;

import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * One connected WebSocket client, the {@code ws} of an Ambiorix handler.
 */
public interface WebSocketClient {

	/**
	 * Return the id of this client, unique among open clients.
	 * @return the client id
	 */
	String id();

	/**
	 * Queue an envelope with the given name and message for this client. Never blocks on
	 * the network; a client that cannot keep up is disconnected instead.
	 * @param name the envelope name
	 * @param message the message, serialized with the application's Jackson mapper
	 * @return {@code true} if the envelope was queued; {@code false} once the client is
	 * closed or closing, or when this envelope overflowed its buffer (which disconnects
	 * it)
	 */
	boolean send(String name, @Nullable Object message);

	/**
	 * Close the connection normally (1000), after the envelopes already queued. The
	 * client leaves {@link WebSocketClients} at once, and nothing sent later is queued.
	 */
	void close();

	/**
	 * Close the connection with the given status, after the envelopes already queued. The
	 * client leaves {@link WebSocketClients} at once, and nothing sent later is queued.
	 * @param status the close status sent to the client
	 */
	void close(CloseStatus status);

	/**
	 * Return whether the connection is still open.
	 * @return {@code true} while open and not closing
	 */
	boolean isOpen();

	/**
	 * Return the user authenticated during the handshake.
	 * @return the principal, or {@code null} for an anonymous client
	 */
	@Nullable Principal principal();

	/**
	 * Return the attributes of this connection, seeded by handshake interceptors and free
	 * for the application to use.
	 * @return the mutable, thread-safe attribute map
	 */
	Map<String, Object> attributes();

}

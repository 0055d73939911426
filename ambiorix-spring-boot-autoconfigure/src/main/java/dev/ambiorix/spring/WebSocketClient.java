package dev.ambiorix.spring;

import java.security.Principal;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

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

	/**
	 * Join a group, on every node: the client then receives what is sent to
	 * {@link WebSocketClients#group(String)}. Joining twice is the same as once; a closed
	 * client joins nothing.
	 * @param group the group name, 1 to {@value ClientGroup#MAX_NAME_LENGTH} characters
	 * @throws IllegalArgumentException if the name is empty or too long
	 */
	void join(String group);

	/**
	 * Leave a group, on every node: nothing more sent to it reaches this client. A
	 * closing client leaves every group at once.
	 * @param group the group name
	 */
	void leave(String group);

	/**
	 * Return the groups this client has joined.
	 * @return a snapshot of the group names
	 */
	Set<String> groups();

	/**
	 * Publish a small JSON value about this client, such as a nickname, to every node: it
	 * is what {@link ClientGroup#members()} lists for this client.
	 * @param presence any value the application's Jackson mapper can serialize, at most
	 * {@value #MAX_PRESENCE_LENGTH} characters of JSON; {@code null} clears it
	 * @throws IllegalArgumentException if the value is too large
	 */
	void setPresence(@Nullable Object presence);

	/**
	 * Return the value last published with {@link #setPresence(Object)}.
	 * @return the presence, or {@code null}
	 */
	@Nullable JsonNode presence();

	/**
	 * Longest presence value accepted, in characters of JSON.
	 */
	int MAX_PRESENCE_LENGTH = 4096;

}

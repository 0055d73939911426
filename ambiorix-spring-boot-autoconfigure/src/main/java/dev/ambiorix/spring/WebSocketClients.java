package dev.ambiorix.spring;

import java.util.Collection;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * All connected WebSocket clients, with broadcasts that serialize the envelope once.
 * <p>
 * {@link #all()}, {@link #count()} and {@link #find(String)} are about this node; every
 * send reaches clients on every node when the application runs as a cluster
 * ({@code ambiorix.cluster.mode=redis}).
 */
public interface WebSocketClients {

	/**
	 * Return a snapshot of the open clients connected to this node.
	 * @return the open clients
	 */
	Collection<WebSocketClient> all();

	/**
	 * Return how many clients are connected to this node.
	 * @return the number of open clients
	 */
	int count();

	/**
	 * Find an open client of this node by id.
	 * @param id the client id
	 * @return the client, or empty when no open client has that id
	 */
	Optional<WebSocketClient> find(String id);

	/**
	 * Send an envelope to every open client on every node, the sender included, as
	 * Ambiorix does.
	 * @param name the envelope name
	 * @param message the message, serialized once for all clients
	 */
	void broadcast(String name, @Nullable Object message);

	/**
	 * Send an envelope to every open client on every node except one.
	 * @param except the client that does not receive it, usually the sender
	 * @param name the envelope name
	 * @param message the message, serialized once for all clients
	 */
	void broadcastExcept(WebSocketClient except, String name, @Nullable Object message);

	/**
	 * Send an envelope to the client with the given id, on whichever node it is
	 * connected; nothing happens when no node has it.
	 * @param id the client id
	 * @param name the envelope name
	 * @param message the message
	 */
	void send(String id, String name, @Nullable Object message);

	/**
	 * Return the members of a group, on every node.
	 * @param group the group name, 1 to {@value ClientGroup#MAX_NAME_LENGTH} characters
	 * @return the group
	 * @throws IllegalArgumentException if the name is empty or too long
	 */
	ClientGroup group(String group);

	/**
	 * Return every connection of one user, the handshake principal's name, on every node:
	 * all the tabs of one person.
	 * @param user the user name, 1 to {@value ClientGroup#MAX_NAME_LENGTH} characters
	 * @return the user's connections
	 * @throws IllegalArgumentException if the name is empty or too long
	 */
	ClientGroup user(String user);

}

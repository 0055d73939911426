package dev.ambiorix.spring;

import java.util.Collection;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * All connected WebSocket clients, with broadcasts that serialize the envelope once.
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
	 * Send an envelope to every open client, the sender included, as Ambiorix does.
	 * @param name the envelope name
	 * @param message the message, serialized once for all clients
	 */
	void broadcast(String name, @Nullable Object message);

	/**
	 * Send an envelope to every open client except one.
	 * @param except the client that does not receive it, usually the sender
	 * @param name the envelope name
	 * @param message the message, serialized once for all clients
	 */
	void broadcastExcept(WebSocketClient except, String name, @Nullable Object message);

	/**
	 * Send an envelope to the client with the given id, wherever it is connected.
	 * @param id the client id
	 * @param name the envelope name
	 * @param message the message
	 */
	void send(String id, String name, @Nullable Object message);

}

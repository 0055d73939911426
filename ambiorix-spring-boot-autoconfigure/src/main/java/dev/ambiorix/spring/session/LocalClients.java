package dev.ambiorix.spring.session;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * The open clients of this node, by id.
 */
public final class LocalClients {

	private final ConcurrentMap<String, ClientConnection> byId = new ConcurrentHashMap<>();

	void add(ClientConnection client) {
		this.byId.put(client.id(), client);
	}

	/**
	 * Remove a client; a no-op when it is already gone.
	 * @param client the client
	 */
	public void remove(ClientConnection client) {
		this.byId.remove(client.id(), client);
	}

	/**
	 * Find an open client.
	 * @param id the client id
	 * @return the client or {@code null}
	 */
	public @Nullable ClientConnection get(String id) {
		return this.byId.get(id);
	}

	/**
	 * Return a live, unmodifiable view of the open clients.
	 * @return the clients
	 */
	public Collection<ClientConnection> all() {
		return Collections.unmodifiableCollection(this.byId.values());
	}

	/**
	 * Return how many clients are open.
	 * @return the count
	 */
	public int count() {
		return this.byId.size();
	}

}

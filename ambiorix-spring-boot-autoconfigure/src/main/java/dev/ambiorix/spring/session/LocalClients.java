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

	private final AmbiorixMonitor monitor;

	/**
	 * Create an empty registry whose clients tell no one what happens to them.
	 */
	public LocalClients() {
		this(AmbiorixMonitor.NONE);
	}

	/**
	 * Create an empty registry.
	 * @param monitor told what happens to its clients
	 */
	public LocalClients(AmbiorixMonitor monitor) {
		this.monitor = monitor;
	}

	void add(ClientConnection client) {
		this.byId.put(client.id(), client);
		this.monitor.connected(client);
	}

	/**
	 * Return the monitor that the endpoint tells what happens to these clients.
	 * @return the monitor
	 */
	public AmbiorixMonitor monitor() {
		return this.monitor;
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

	/**
	 * Return the most characters waiting in, or being sent from, any one client's
	 * outbound queue.
	 * @return the largest queue now, in characters
	 */
	public long largestQueue() {
		long largest = 0;
		for (ClientConnection client : this.byId.values()) {
			largest = Math.max(largest, client.outbound().queuedChars());
		}
		return largest;
	}

}

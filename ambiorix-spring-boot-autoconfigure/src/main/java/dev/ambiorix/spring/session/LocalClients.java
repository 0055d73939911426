package dev.ambiorix.spring.session;

import java.security.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.ambiorix.spring.ClientGroup;
import dev.ambiorix.spring.Member;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The open clients of this node, by id, with this node's index of groups and users.
 * <p>
 * Each client's memberships are changed under a lock of its own, so a join racing with
 * the close of the same client never leaves it in the index. Index entries are removed
 * with their last member, so the maps hold only groups and users with someone in them.
 * Broadcasts reach the clients in the order they connected, as Node's {@code ws} does.
 */
public final class LocalClients {

	private final ConcurrentMap<String, ClientConnection> byId = new ConcurrentHashMap<>();

	/**
	 * The same clients in the order they were added: the ids are random, so the order of
	 * {@link #byId} would serve the client that connected first at a random point of a
	 * broadcast.
	 */
	private final ConcurrentNavigableMap<Long, ClientConnection> inOrder = new ConcurrentSkipListMap<>();

	private final AtomicLong added = new AtomicLong();

	private final ConcurrentMap<String, Membership> memberships = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ClientConnection>> groups = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<ClientConnection>> users = new ConcurrentHashMap<>();

	private volatile MembershipListener listener = MembershipListener.NONE;

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

	/**
	 * Set who hears of joins, leaves and presence changes: the cluster.
	 * @param listener the listener
	 */
	public void listener(MembershipListener listener) {
		this.listener = listener;
	}

	void add(ClientConnection client) {
		Principal principal = client.principal();
		String user = (principal != null && isValidName(principal.getName())) ? principal.getName() : null;
		Membership membership = new Membership(user, this.added.getAndIncrement());
		this.memberships.put(client.id(), membership);
		this.byId.put(client.id(), client);
		this.inOrder.put(membership.order, client);
		if (user != null) {
			addTo(this.users, user, client);
		}
		this.listener.connected(client);
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
	 * Remove a client, which leaves every group at once; a no-op when it is already gone.
	 * @param client the client
	 */
	public void remove(ClientConnection client) {
		remove(client, client.recoverable());
	}

	/**
	 * Remove a client, telling the given recoverable, if any, that it leaves.
	 */
	private void remove(ClientConnection client, @Nullable Recoverable recoverable) {
		if (recoverable != null && isRegistered(client)) {
			// Before it leaves any view: what it then misses comes after the position the
			// recovery takes now, however long this thread is held up below.
			recoverable.leaving();
		}
		if (!this.byId.remove(client.id(), client)) {
			return;
		}
		Membership membership = this.memberships.remove(client.id());
		if (membership == null) {
			return;
		}
		this.inOrder.remove(membership.order);
		Set<String> left;
		Member member;
		synchronized (membership) {
			member = new Member(client.id(), membership.user, membership.presence);
			membership.closed = true;
			left = Set.copyOf(membership.groups);
			membership.groups.clear();
		}
		for (String group : left) {
			removeFrom(this.groups, group, client);
		}
		if (membership.user != null) {
			removeFrom(this.users, membership.user, client);
		}
		if (recoverable != null) {
			recoverable.removed(member, left);
		}
		this.listener.disconnected(client, member, left);
	}

	/**
	 * Give a client the id of the client it recovers: it leaves under its provisional id
	 * and comes back under the other, in no group.
	 * @param client the client
	 * @param id the id it recovers
	 * @return {@code false} when a client with that id is open here, or this one is not
	 * open
	 */
	public synchronized boolean rename(ClientConnection client, String id) {
		if (this.byId.containsKey(id) || !isRegistered(client)) {
			return false;
		}
		// Not a leave for its recovery: the client only changes its id.
		remove(client, null);
		client.id(id);
		add(client);
		// A close that began meanwhile removed it under its old id, or will under the
		// new one: it stops the queue before it removes the client.
		if (!client.isOpen()) {
			remove(client);
			return false;
		}
		return true;
	}

	/**
	 * Return whether this very connection is the open client under its id.
	 * @param client the client
	 * @return {@code false} once it was removed, or renamed away
	 */
	public boolean isRegistered(ClientConnection client) {
		return this.byId.get(client.id()) == client;
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
	 * Return a live, unmodifiable view of the open clients, in the order they connected
	 * (a client that recovers an id comes after those open before it recovered).
	 * @return the clients
	 */
	public Collection<ClientConnection> all() {
		return Collections.unmodifiableCollection(this.inOrder.values());
	}

	/**
	 * Return how many clients are open.
	 * @return the count
	 */
	public int count() {
		return this.byId.size();
	}

	/**
	 * Return a live view of this node's members of a group.
	 * @param group the group name
	 * @return the members, empty when none
	 */
	public Collection<ClientConnection> groupMembers(String group) {
		Set<ClientConnection> members = this.groups.get(group);
		return (members != null) ? Collections.unmodifiableSet(members) : Set.of();
	}

	/**
	 * Return a live view of this node's connections of a user.
	 * @param user the user name
	 * @return the connections, empty when none
	 */
	public Collection<ClientConnection> userMembers(String user) {
		Set<ClientConnection> members = this.users.get(user);
		return (members != null) ? Collections.unmodifiableSet(members) : Set.of();
	}

	/**
	 * Return the groups with at least one member on this node.
	 * @return a snapshot of the group names
	 */
	public Set<String> groupNames() {
		return Set.copyOf(this.groups.keySet());
	}

	/**
	 * Return the users with at least one connection on this node.
	 * @return a snapshot of the user names
	 */
	public Set<String> userNames() {
		return Set.copyOf(this.users.keySet());
	}

	/**
	 * Return the user a client was indexed under.
	 * @param client the client
	 * @return the user name, or {@code null} for an anonymous or closed client
	 */
	public @Nullable String user(ClientConnection client) {
		Membership membership = this.memberships.get(client.id());
		return (membership != null) ? membership.user : null;
	}

	void join(ClientConnection client, String group) {
		checkName("group", group);
		Membership membership = this.memberships.get(client.id());
		if (membership == null) {
			return;
		}
		synchronized (membership) {
			if (membership.closed || !membership.groups.add(group)) {
				return;
			}
			addTo(this.groups, group, client);
		}
		this.listener.joined(client, group);
	}

	void leave(ClientConnection client, String group) {
		Membership membership = this.memberships.get(client.id());
		if (membership == null) {
			return;
		}
		synchronized (membership) {
			if (membership.closed || !membership.groups.remove(group)) {
				return;
			}
			removeFrom(this.groups, group, client);
		}
		this.listener.left(client, group);
	}

	Set<String> groups(ClientConnection client) {
		Membership membership = this.memberships.get(client.id());
		if (membership == null) {
			return Set.of();
		}
		synchronized (membership) {
			return Set.copyOf(membership.groups);
		}
	}

	void presence(ClientConnection client, @Nullable JsonNode presence) {
		Membership membership = this.memberships.get(client.id());
		if (membership == null) {
			return;
		}
		synchronized (membership) {
			if (membership.closed) {
				return;
			}
			membership.presence = presence;
		}
		this.listener.presenceChanged(client);
	}

	/**
	 * Return the presence a client published.
	 * @param client the client
	 * @return the presence, or {@code null}
	 */
	public @Nullable JsonNode presence(ClientConnection client) {
		Membership membership = this.memberships.get(client.id());
		return (membership != null) ? membership.presence : null;
	}

	/**
	 * Describe a client as other nodes see it.
	 * @param client the client
	 * @return the member
	 */
	public Member member(ClientConnection client) {
		return new Member(client.id(), user(client), presence(client));
	}

	/**
	 * Check a group or user name.
	 * @param kind "group" or "user", for the message
	 * @param name the name
	 * @throws IllegalArgumentException if the name is empty or too long
	 */
	public static void checkName(String kind, @Nullable String name) {
		if (!isValidName(name)) {
			throw new IllegalArgumentException("A " + kind + " name must have 1 to " + ClientGroup.MAX_NAME_LENGTH
					+ " characters, not " + ((name != null) ? name.length() : "null"));
		}
	}

	private static boolean isValidName(@Nullable String name) {
		return name != null && !name.isEmpty() && name.length() <= ClientGroup.MAX_NAME_LENGTH;
	}

	private static void addTo(ConcurrentMap<String, Set<ClientConnection>> index, String key, ClientConnection client) {
		index.compute(key, (k, members) -> {
			Set<ClientConnection> set = (members != null) ? members : ConcurrentHashMap.newKeySet();
			set.add(client);
			return set;
		});
	}

	private static void removeFrom(ConcurrentMap<String, Set<ClientConnection>> index, String key,
			ClientConnection client) {
		index.computeIfPresent(key, (k, members) -> {
			members.remove(client);
			return members.isEmpty() ? null : members;
		});
	}

	/**
	 * One client's groups and presence; guarded by its own monitor.
	 */
	private static final class Membership {

		final @Nullable String user;

		/** Its place among the clients: the key of {@link LocalClients#inOrder}. */
		final long order;

		final Set<String> groups = new LinkedHashSet<>();

		@Nullable JsonNode presence;

		boolean closed;

		Membership(@Nullable String user, long order) {
			this.user = user;
			this.order = order;
		}

	}

	/**
	 * Return the most bytes (UTF-8) waiting in, or being sent from, any one client's
	 * outbound queue.
	 * @return the largest queue now, in bytes
	 */
	public long largestQueue() {
		long largest = 0;
		for (ClientConnection client : this.byId.values()) {
			largest = Math.max(largest, client.outbound().queuedBytes());
		}
		return largest;
	}

}

package dev.ambiorix.spring.cluster.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.ClusterNodes;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.MemberDirectory;
import dev.ambiorix.spring.session.MembershipListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.zset.Tuple;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Groups, users and presence across nodes, by heartbeats.
 * <p>
 * Each node keeps a hash of its own clients, {@code {prefix}:node:<id>}, one field per
 * client with its user, groups and presence. Changes are written within moments of being
 * made; every heartbeat rewrites the whole hash and pushes back its expiry. A node that
 * stops heartbeating, because it died or lost Redis, has its hash expire: its clients
 * then drop out of every count and member list, and each other node, which kept the last
 * members it read, publishes a {@link MemberLeftEvent} for each of them.
 * <p>
 * Counts and member lists combine this node's clients, from memory, with the hashes of
 * the other live nodes, read from Redis on each call. When Redis is unreachable, the last
 * members read stand in for the other nodes.
 */
final class RedisMembership implements MemberDirectory, MembershipListener, ClusterNodes, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisMembership.class);

	/**
	 * A field every node hash holds, so that a node without clients still shows alive.
	 */
	private static final byte[] ALIVE = RedisKeys.bytes("");

	private static final Duration FLUSH_INTERVAL = Duration.ofMillis(50);

	private static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

	private final JsonMapper json = JsonMapper.builder().build();

	private final LocalClients clients;

	private final RedisConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final Duration heartbeatInterval;

	private final ApplicationEventPublisher events;

	private final RelayStatus status;

	private final @Nullable RedisRelay relay;

	/** Clients whose entry must be written or removed. */
	private final Set<String> dirty = ConcurrentHashMap.newKeySet();

	/** The members of each other live node, as last read. */
	private volatile Map<String, Map<String, RemoteMember>> remote = Map.of();

	/** The members of each other node, live or missing but not yet lost. */
	private final Map<String, Map<String, RemoteMember>> lastKnown = new HashMap<>();

	/** When each missing node was first found missing. */
	private final Map<String, Long> missingSince = new HashMap<>();

	/** How long a node's hash lives after its last write. */
	private final Duration entryTimeToLive;

	/** How long a node stays missing before it is lost. */
	private final Duration lossGrace;

	/** Whether the next flush rewrites everything, as after Redis came back. */
	private volatile boolean rewriteAll = true;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * The connection of the scheduler's thread, kept from one flush or watch to the next:
	 * a pipeline runs on a connection of its own, which Spring Data Redis (without a
	 * pool) opens and closes with each {@link RedisConnection}, and a new TCP connection
	 * every 50 ms cost both the node and Redis more than the commands. Dropped after a
	 * failure.
	 */
	private volatile @Nullable RedisConnection schedulerConnection;

	private volatile long lastHeartbeatNanos;

	RedisMembership(LocalClients clients, RedisConnectionFactory connectionFactory, RedisKeys keys,
			Duration heartbeatInterval, Duration nodeTimeout, ApplicationEventPublisher events, RelayStatus status,
			@Nullable RedisRelay relay) {
		this.clients = clients;
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.heartbeatInterval = heartbeatInterval;
		// Expiry, then the grace, then one watch: lost within the node timeout.
		if (nodeTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
			throw new IllegalStateException("ambiorix.cluster.node-timeout (" + nodeTimeout
					+ ") must be at least twice ambiorix.cluster.heartbeat-interval (" + heartbeatInterval + ")");
		}
		this.entryTimeToLive = nodeTimeout.minus(heartbeatInterval);
		Duration grace = heartbeatInterval.minus(WATCH_INTERVAL);
		this.lossGrace = grace.isNegative() ? Duration.ZERO : grace;
		this.events = events;
		this.status = status;
		this.relay = relay;
		this.lastHeartbeatNanos = System.nanoTime() - heartbeatInterval.toNanos();
		clients.listener(this);
	}

	@Override
	public String nodeId() {
		return this.keys.nodeId();
	}

	@Override
	public Map<String, Instant> lastHeartbeats() {
		Map<String, Instant> nodes = new LinkedHashMap<>();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Set<Tuple> registered = connection.zSetCommands().zRangeWithScores(this.keys.nodes(), 0, -1);
			if (registered != null) {
				for (Tuple node : registered) {
					nodes.put(RedisKeys.string(node.getValue()), Instant.ofEpochMilli(node.getScore().longValue()));
				}
			}
		}
		return nodes;
	}

	@Override
	public int groupCount(String group) {
		int count = this.clients.groupMembers(group).size();
		for (Map<String, RemoteMember> node : readRemote().values()) {
			for (RemoteMember member : node.values()) {
				if (member.groups().contains(group)) {
					count++;
				}
			}
		}
		return count;
	}

	@Override
	public List<Member> groupMembers(String group) {
		List<Member> members = local(this.clients.groupMembers(group));
		for (Map<String, RemoteMember> node : readRemote().values()) {
			for (RemoteMember member : node.values()) {
				if (member.groups().contains(group)) {
					members.add(member.member());
				}
			}
		}
		return members;
	}

	@Override
	public int userCount(String user) {
		return userMembers(user).size();
	}

	@Override
	public List<Member> userMembers(String user) {
		List<Member> members = local(this.clients.userMembers(user));
		for (Map<String, RemoteMember> node : readRemote().values()) {
			for (RemoteMember member : node.values()) {
				if (user.equals(member.member().user())) {
					members.add(member.member());
				}
			}
		}
		return members;
	}

	private List<Member> local(Collection<ClientConnection> connections) {
		List<Member> members = new ArrayList<>(connections.size());
		for (ClientConnection client : connections) {
			members.add(this.clients.member(client));
		}
		return members;
	}

	@Override
	public void connected(ClientConnection client) {
		this.dirty.add(client.id());
	}

	@Override
	public void joined(ClientConnection client, String group) {
		this.dirty.add(client.id());
	}

	@Override
	public void left(ClientConnection client, String group) {
		this.dirty.add(client.id());
		this.events.publishEvent(new MemberLeftEvent(group, this.clients.member(client), false));
	}

	@Override
	public void presenceChanged(ClientConnection client) {
		this.dirty.add(client.id());
	}

	@Override
	public void disconnected(ClientConnection client, Member member, Set<String> groups) {
		this.dirty.add(client.id());
		for (String group : groups) {
			this.events.publishEvent(new MemberLeftEvent(group, member, false));
		}
	}

	@Override
	public void start() {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-presence-");
		threads.setDaemon(true);
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(threads);
		this.scheduler = scheduler;
		scheduler.scheduleWithFixedDelay(this::flush, 0, FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		scheduler.scheduleWithFixedDelay(this::watch, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		scheduler.shutdownNow();
		try {
			scheduler.awaitTermination(5, TimeUnit.SECONDS);
			dropSchedulerConnection();
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				connection.keyCommands().del(this.keys.node(this.keys.nodeId()));
				connection.zSetCommands().zRem(this.keys.nodes(), RedisKeys.bytes(this.keys.nodeId()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not remove this node from Redis on shutdown; its entry expires", ex);
		}
		this.scheduler = null;
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Write changed entries, and everything at each heartbeat.
	 */
	private void flush() {
		boolean heartbeat = this.rewriteAll
				|| System.nanoTime() - this.lastHeartbeatNanos >= this.heartbeatInterval.toNanos();
		if (!heartbeat && this.dirty.isEmpty()) {
			return;
		}
		Set<String> changed = new HashSet<>(this.dirty);
		this.dirty.removeAll(changed);
		byte[] key = this.keys.node(this.keys.nodeId());
		try {
			RedisConnection connection = schedulerConnection();
			Map<byte[], byte[]> entries = new LinkedHashMap<>();
			List<byte[]> removed = new ArrayList<>();
			if (heartbeat) {
				for (ClientConnection client : this.clients.all()) {
					entries.put(RedisKeys.bytes(client.id()), entry(client));
				}
				changed.removeIf((id) -> this.clients.get(id) != null);
			}
			for (String id : changed) {
				ClientConnection client = this.clients.get(id);
				if (client != null) {
					entries.put(RedisKeys.bytes(id), entry(client));
				}
				else {
					removed.add(RedisKeys.bytes(id));
				}
			}
			entries.put(ALIVE, RedisKeys.bytes("{}"));
			connection.openPipeline();
			if (!removed.isEmpty()) {
				connection.hashCommands().hDel(key, removed.toArray(new byte[0][]));
			}
			connection.hashCommands().hMSet(key, entries);
			connection.keyCommands().pExpire(key, this.entryTimeToLive.toMillis());
			if (heartbeat) {
				connection.zSetCommands()
					.zAdd(this.keys.nodes(), System.currentTimeMillis(), RedisKeys.bytes(this.keys.nodeId()));
			}
			connection.closePipeline();
			if (heartbeat) {
				this.lastHeartbeatNanos = System.nanoTime();
				this.rewriteAll = false;
			}
			this.status.succeeded();
		}
		catch (RuntimeException ex) {
			dropSchedulerConnection();
			// Written again at the next try; a heartbeat rewrites everything anyway.
			this.dirty.addAll(changed);
			// Redis may come back empty, after a restart.
			this.rewriteAll = true;
			this.status.failed(ex);
		}
	}

	private byte[] entry(ClientConnection client) {
		ObjectNode entry = this.json.createObjectNode();
		String user = this.clients.user(client);
		if (user != null) {
			entry.put("u", user);
		}
		ArrayNode groups = entry.putArray("g");
		client.groups().forEach(groups::add);
		JsonNode presence = this.clients.presence(client);
		if (presence != null) {
			entry.set("p", presence);
		}
		return RedisKeys.bytes(this.json.writeValueAsString(entry));
	}

	/**
	 * Read the other nodes, and publish leave events for the members of nodes that are
	 * gone.
	 */
	private void watch() {
		try {
			readRemote(schedulerConnection());
		}
		catch (RuntimeException ex) {
			dropSchedulerConnection();
			this.status.failed(ex);
		}
	}

	private RedisConnection schedulerConnection() {
		RedisConnection connection = this.schedulerConnection;
		if (connection == null || connection.isClosed()) {
			connection = this.connectionFactory.getConnection();
			this.schedulerConnection = connection;
		}
		return connection;
	}

	private void dropSchedulerConnection() {
		RedisConnection connection = this.schedulerConnection;
		this.schedulerConnection = null;
		if (connection != null) {
			try {
				connection.close();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the presence connection", ex);
			}
		}
	}

	private void lost(String nodeId, Map<String, RemoteMember> members) {
		logger.info("Ambiorix cluster node " + nodeId + " is gone, with " + members.size() + " clients");
		if (this.relay != null) {
			this.relay.forget(nodeId);
		}
		for (RemoteMember member : members.values()) {
			for (String group : member.groups()) {
				this.events.publishEvent(new MemberLeftEvent(group, member.member(), true));
			}
		}
	}

	/**
	 * Read the members of every other live node, or return the last ones read when Redis
	 * does not answer.
	 */
	private Map<String, Map<String, RemoteMember>> readRemote() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return readRemote(connection);
		}
		catch (RuntimeException ex) {
			this.status.failed(ex);
			return this.remote;
		}
	}

	private Map<String, Map<String, RemoteMember>> readRemote(RedisConnection connection) {
		Set<byte[]> registered = connection.zSetCommands().zRange(this.keys.nodes(), 0, -1);
		List<String> others = new ArrayList<>();
		if (registered != null) {
			for (byte[] id : registered) {
				String nodeId = RedisKeys.string(id);
				if (!nodeId.equals(this.keys.nodeId())) {
					others.add(nodeId);
				}
			}
		}
		if (others.isEmpty()) {
			return remember(Map.of());
		}
		connection.openPipeline();
		for (String nodeId : others) {
			connection.hashCommands().hGetAll(this.keys.node(nodeId));
		}
		List<@Nullable Object> hashes = connection.closePipeline();
		Map<String, Map<String, RemoteMember>> nodes = new HashMap<>();
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < others.size(); i++) {
			Object hash = (i < hashes.size()) ? hashes.get(i) : null;
			if (!(hash instanceof Map<?, ?> fields) || fields.isEmpty()) {
				gone.add(RedisKeys.bytes(others.get(i)));
				continue;
			}
			nodes.put(others.get(i), parse(fields));
		}
		if (!gone.isEmpty()) {
			connection.zSetCommands().zRem(this.keys.nodes(), gone.toArray(new byte[0][]));
		}
		return remember(nodes);
	}

	private Map<String, Map<String, RemoteMember>> remember(Map<String, Map<String, RemoteMember>> nodes) {
		List<Map.Entry<String, Map<String, RemoteMember>>> lost = new ArrayList<>();
		synchronized (this.lastKnown) {
			long now = System.nanoTime();
			this.lastKnown.putAll(nodes);
			nodes.keySet().forEach(this.missingSince::remove);
			for (Iterator<Map.Entry<String, Map<String, RemoteMember>>> known = this.lastKnown.entrySet()
				.iterator(); known.hasNext();) {
				Map.Entry<String, Map<String, RemoteMember>> node = known.next();
				if (nodes.containsKey(node.getKey())) {
					continue;
				}
				// A node also goes missing for a moment when Redis restarts empty, until
				// its
				// next heartbeat: it is lost only if it stays missing.
				long since = this.missingSince.computeIfAbsent(node.getKey(), (id) -> now);
				if (now - since >= this.lossGrace.toNanos()) {
					known.remove();
					this.missingSince.remove(node.getKey());
					lost.add(node);
				}
			}
			this.remote = nodes;
		}
		lost.forEach((node) -> lost(node.getKey(), node.getValue()));
		return nodes;
	}

	private Map<String, RemoteMember> parse(Map<?, ?> fields) {
		Map<String, RemoteMember> members = new HashMap<>();
		fields.forEach((key, value) -> {
			String clientId = RedisKeys.string((byte[]) key);
			if (clientId.isEmpty()) {
				return;
			}
			try {
				JsonNode entry = this.json.readTree((byte[]) value);
				JsonNode user = entry.get("u");
				Set<String> groups = new HashSet<>();
				JsonNode groupNodes = entry.get("g");
				if (groupNodes != null) {
					groupNodes.forEach((group) -> groups.add(group.asString()));
				}
				JsonNode presence = entry.get("p");
				members.put(clientId, new RemoteMember(
						new Member(clientId, (user != null) ? user.asString() : null, presence), Set.copyOf(groups)));
			}
			catch (RuntimeException ex) {
				logger.debug("Skipping an unreadable presence entry for client " + clientId, ex);
			}
		});
		return members;
	}

	private record RemoteMember(Member member, Set<String> groups) {
	}

}

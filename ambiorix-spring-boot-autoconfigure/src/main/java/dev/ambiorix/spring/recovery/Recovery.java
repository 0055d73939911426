package dev.ambiorix.spring.recovery;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.ambiorix.spring.event.ClientRecoveredEvent;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.ConnectionRecovery;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.Stamp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * Recovery of clients across a reconnect: answers the {@code ambiorix:hello} of clients
 * that ask for it, numbers and records every envelope sent through
 * {@link dev.ambiorix.spring.WebSocketClients} and every frame sent to a recoverable
 * client, and replays what a returning client missed.
 * <p>
 * Envelopes are numbered per node, under one lock that also covers their delivery to this
 * node's clients, so each client gets a node's envelopes in the order of their numbers.
 */
public final class Recovery implements ConnectionRecovery, SmartLifecycle {

	static final String HELLO = "ambiorix:hello";

	static final String WELCOME = "ambiorix:welcome";

	static final String RECOVERED = "ambiorix:recovered";

	/** A close of a connection whose client recovered on a newer one. */
	static final CloseStatus REPLACED = new CloseStatus(4000, "recovered on another connection");

	/** A close of a connection whose resume failed half way: it may try again. */
	static final CloseStatus RESUME_FAILED = CloseStatus.SERVER_ERROR.withReason("recovery failed, try again");

	private static final Log logger = LogFactory.getLog(Recovery.class);

	private final JsonMapper json = JsonMapper.builder().build();

	private final SecureRandom random = new SecureRandom();

	private final LocalClients clients;

	private final FrameDelivery delivery;

	private final RecoveryStore store;

	private final ApplicationEventPublisher events;

	private final Duration window;

	private final int maxReplay;

	private final Object numbering = new Object();

	private long sequence;

	private final Map<String, RecoveringClient> live = new ConcurrentHashMap<>();

	/**
	 * The outcomes of a recovery attempt: recovered, or the reason it was refused.
	 */
	public static final List<String> OUTCOMES = List.of("recovered", "unknown_session", "user_changed", "expired",
			"history_exceeded");

	private final Map<String, AtomicLong> attempts = new LinkedHashMap<>();

	private volatile @Nullable ScheduledExecutorService refresher;

	/**
	 * Create the recovery.
	 * @param clients this node's clients
	 * @param delivery the delivery to wrap
	 * @param store where sessions and the history live
	 * @param events publishes {@link ClientRecoveredEvent}
	 * @param window how long a client that is away may come back
	 * @param maxReplay the most envelopes replayed to one client
	 */
	public Recovery(LocalClients clients, FrameDelivery delivery, RecoveryStore store, ApplicationEventPublisher events,
			Duration window, int maxReplay) {
		this.clients = clients;
		this.delivery = delivery;
		this.store = store;
		this.events = events;
		this.window = window;
		this.maxReplay = maxReplay;
		OUTCOMES.forEach((outcome) -> this.attempts.put(outcome, new AtomicLong()));
	}

	/**
	 * Return how many attempts to recover a session had the given outcome.
	 * @param outcome one of {@link #OUTCOMES}
	 * @return the number since start, 0 for an unknown outcome
	 */
	public long attempts(String outcome) {
		AtomicLong count = this.attempts.get(outcome);
		return (count != null) ? count.get() : 0;
	}

	private void attempted(String outcome) {
		AtomicLong count = this.attempts.get(outcome);
		if (count != null) {
			count.incrementAndGet();
		}
	}

	/**
	 * Return the delivery that numbers and records every envelope before it goes out.
	 * @return the recording delivery
	 */
	public FrameDelivery delivery() {
		return new Recording();
	}

	// Numbering

	private void number(char kind, String target, @Nullable String exceptId, String frame,
			java.util.function.Consumer<Stamp> deliver) {
		synchronized (this.numbering) {
			long sequence = ++this.sequence;
			Stamp stamp = Stamp.of(frame, this.store.nodeId(), sequence);
			this.store.record(sequence, kind, target, exceptId, stamp.frame());
			try {
				deliver.accept(stamp);
			}
			finally {
				this.store.delivered(sequence);
			}
		}
	}

	void sendOwn(ClientConnection client, String frame) {
		String id = client.id();
		// By id, not to this connection: a reply that completes after the client
		// recovered on another connection, here or on another node, reaches it there.
		number('c', id, null, frame, (stamp) -> this.delivery.toClient(id, frame, stamp));
	}

	/**
	 * Return the history position up to which every envelope has been delivered. Takes no
	 * lock: it is called when a client leaves the registry, which can happen on a helper
	 * thread of a broadcast that holds the numbering lock.
	 */
	Cursor cursor() {
		return this.store.cursor();
	}

	private long sequence() {
		synchronized (this.numbering) {
			return this.sequence;
		}
	}

	// The hello exchange

	@Override
	public boolean firstFrame(ClientConnection client, String text) {
		if (!text.contains(HELLO)) {
			return false;
		}
		JsonNode frame;
		try {
			frame = this.json.readTree(text);
		}
		catch (RuntimeException ex) {
			return false;
		}
		if (frame == null || !frame.isObject() || !HELLO.equals(frame.path("name").stringValue(null))
				|| !frame.path("isAmbiorix").booleanValue(false)) {
			return false;
		}
		JsonNode message = frame.path("message");
		if (!message.path("recovery").booleanValue(false)) {
			return true;
		}
		String token = message.path("session").stringValue(null);
		if (token == null) {
			fresh(client);
		}
		else {
			resume(client, token, offsets(message.path("offset").stringValue(null)));
		}
		return true;
	}

	private void fresh(ClientConnection client) {
		byte[] secret = new byte[24];
		this.random.nextBytes(secret);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
		RecoveringClient recovering = new RecoveringClient(this, client, token, 1, Map.of(), null);
		this.live.put(token, recovering);
		client.recoverable(recovering);
		if (!isRegistered(client)) {
			// Closed before its close could see it recoverable: nothing takes it out.
			this.live.remove(token, recovering);
		}
		save(recovering, System.currentTimeMillis() + this.window.toMillis());
		ObjectNode welcome = this.json.createObjectNode();
		welcome.put("id", client.id());
		welcome.put("session", token);
		welcome.put("window", this.window.toMillis());
		client.queueFrame(frame(WELCOME, welcome));
	}

	private void resume(ClientConnection client, String token, Map<String, Long> received) {
		// The live connection before the store: a close saves the session before it
		// leaves the live ones, so a session not live here is stored as it closed.
		RecoveringClient current = this.live.get(token);
		SessionRecord stored = load(token);
		String owner = (current != null) ? userOf(current.connection) : (stored != null) ? stored.user() : null;
		if (current == null && stored == null) {
			refuse(client, "unknown_session");
			return;
		}
		if (!Objects.equals(owner, userOf(client))) {
			refuse(client, "user_changed");
			return;
		}
		SessionRecord record;
		RecoveringClient previous = this.live.remove(token);
		if (previous != null) {
			// The client came back before its old connection was seen to close, or just
			// after: that connection's state is the freshest, unless the client resumed
			// on another node since (a newer generation there).
			previous.replaced = true;
			if (isRegistered(previous.connection)) {
				previous.connection.terminate(REPLACED);
			}
			// One still resuming has not had its replay: the session it resumed is the
			// truth. Saved at once, as the replaced connection's close saves nothing.
			SessionRecord resumed = previous.resumed;
			if (stored != null && stored.generation() > previous.generation) {
				record = stored;
			}
			else if (previous.resuming() && resumed != null) {
				record = resumed;
			}
			else {
				record = snapshot(previous, System.currentTimeMillis() + this.window.toMillis());
			}
			save(record);
		}
		else {
			record = (current != null) ? load(token) : stored;
			if (record == null) {
				refuse(client, "unknown_session");
				return;
			}
			if (record.validUntil() < System.currentTimeMillis()) {
				refuse(client, "expired");
				return;
			}
		}
		this.store.awaitRecorded(sequence());
		Replay missed = collect(record, received, null);
		if (missed == null) {
			refuse(client, "history_exceeded");
			return;
		}
		String provisionalId = client.id();
		// Above the one it replaced too: a late save of that one must not win.
		long generation = Math.max(record.generation(), (previous != null) ? previous.generation : 0) + 1;
		RecoveringClient recovering = new RecoveringClient(this, client, token, generation, received, record);
		client.recoverable(recovering);
		if (!this.clients.rename(client, record.clientId())) {
			client.recoverable(null);
			if (client.isOpen()) {
				refuse(client, "unknown_session");
			}
			return;
		}
		// From here until its replay, a close of the connection saves nothing: the stored
		// session stays the one to resume on the next try.
		List<Stamp> replay;
		try {
			// Live first: a close from now on takes it out again.
			this.live.put(token, recovering);
			if (!recovering.registered()) {
				this.live.remove(token, recovering);
				return;
			}
			for (String group : record.groups()) {
				client.join(group);
			}
			if (record.presence() != null) {
				client.setPresence(record.presence());
			}
			this.store.awaitRecorded(sequence());
			Replay meanwhile = collect(record, received, missed.head());
			replay = new ArrayList<>(missed.stamps());
			if (meanwhile != null) {
				replay.addAll(meanwhile.stamps());
			}
		}
		catch (RuntimeException ex) {
			client.terminate(RESUME_FAILED);
			throw ex;
		}
		ObjectNode answer = this.json.createObjectNode();
		answer.put("recovered", true);
		answer.put("id", client.id());
		recovering.finishReplay(replay, frame(RECOVERED, answer));
		// Not if it closed or was replaced meanwhile: the session stored then stands.
		if (this.live.get(token) == recovering) {
			save(recovering, System.currentTimeMillis() + this.window.toMillis());
		}
		attempted("recovered");
		logger.debug(LogMessage.format("Client %s recovered with %d envelopes replayed", client.id(), replay.size()));
		try {
			this.events.publishEvent(new ClientRecoveredEvent(client, provisionalId));
		}
		catch (RuntimeException ex) {
			logger.error("A listener for ClientRecoveredEvent failed", ex);
		}
	}

	private void refuse(ClientConnection client, String reason) {
		attempted(reason);
		ObjectNode answer = this.json.createObjectNode();
		answer.put("recovered", false);
		answer.put("reason", reason);
		client.queueFrame(frame(RECOVERED, answer));
		fresh(client);
	}

	@Override
	public boolean closed(ClientConnection client) {
		if (!(client.recoverable() instanceof RecoveringClient recovering)) {
			return false;
		}
		if (recovering.replaced) {
			return true;
		}
		// Saved before it leaves the live ones (see resume). Not while it resumes: the
		// stored session is then still the one to resume.
		if (!recovering.resuming()) {
			save(recovering, System.currentTimeMillis() + this.window.toMillis());
		}
		this.live.remove(recovering.token, recovering);
		return false;
	}

	// Replay

	/**
	 * Find what a client missed, oldest first. Each lane of the history is read back to
	 * where it stood for the client, and no further: positions are compared within a lane
	 * only, and a node's envelopes are all in one lane, so the replay keeps each node's
	 * order.
	 * @param record the client's session
	 * @param received the last number the client received, per origin
	 * @param after only entries after this cursor, or {@code null} for everything the
	 * client missed
	 * @return the envelopes, or {@code null} when more were missed than may be replayed
	 * or than the history holds
	 */
	private @Nullable Replay collect(SessionRecord record, Map<String, Long> received, @Nullable Cursor after) {
		Map<String, Long> needed = new HashMap<>();
		record.queued().forEach((origin, queued) -> {
			Long bound = lowerBound(record, received, origin);
			if (bound != null && queued > bound) {
				needed.put(origin, bound);
			}
		});
		List<Stamp> found = new ArrayList<>();
		Map<Integer, Position> head = new HashMap<>();
		Set<Integer> passedAt = new HashSet<>();
		History entries = this.store.newestFirst();
		while (entries.hasNext()) {
			HistoryEntry entry = entries.next();
			head.putIfAbsent(entry.lane(), entry.position());
			boolean afterAt = record.at().isBefore(entry);
			if (after != null) {
				if (!after.isBefore(entry)) {
					entries.stop(entry.lane());
					continue;
				}
			}
			else if (!afterAt) {
				passedAt.add(entry.lane());
				if (needed.isEmpty()) {
					entries.stop(entry.lane());
					continue;
				}
			}
			Long bound = lowerBound(record, received, entry.origin());
			if (bound != null && entry.sequence() <= bound) {
				needed.remove(entry.origin());
				continue;
			}
			Long queued = record.queued().get(entry.origin());
			boolean wasQueued = queued != null && entry.sequence() <= queued;
			if ((afterAt || wasQueued) && isFor(entry, record)) {
				found.add(new Stamp(entry.origin(), entry.sequence(), entry.frame()));
				if (found.size() > this.maxReplay) {
					return null;
				}
			}
		}
		if (after == null && this.store.trimmed()
				&& entries.readToStart().stream().anyMatch((lane) -> !needed.isEmpty() || !passedAt.contains(lane))) {
			return null;
		}
		Collections.reverse(found);
		return new Replay(found, Cursor.of(head, (after != null) ? after : record.at()));
	}

	private static @Nullable Long lowerBound(SessionRecord record, Map<String, Long> received, String origin) {
		Long last = received.get(origin);
		if (last != null) {
			return last;
		}
		Long first = record.first().get(origin);
		return (first != null) ? first - 1 : null;
	}

	private static boolean isFor(HistoryEntry entry, SessionRecord record) {
		String id = record.clientId();
		if (id.equals(entry.exceptId())) {
			return false;
		}
		return switch (entry.kind()) {
			case 'a' -> true;
			case 'g' -> record.groups().contains(entry.target());
			case 'u' -> entry.target().equals(record.user());
			case 'c' -> entry.target().equals(id);
			default -> false;
		};
	}

	// Session records

	private SessionRecord snapshot(RecoveringClient recovering, long validUntil) {
		// The position first: whatever is delivered after it is either in what was queued
		// or after the position, and so found by a replay.
		Cursor at = recovering.at(this.store.cursor());
		Map<String, Long> queued = recovering.queued();
		Map<String, Long> first = recovering.first();
		return new SessionRecord(recovering.token, recovering.connection.id(), userOf(recovering.connection),
				recovering.groups(), recovering.presence(), at, queued, first, validUntil, recovering.generation);
	}

	private void save(RecoveringClient recovering, long validUntil) {
		save(snapshot(recovering, validUntil));
	}

	private @Nullable SessionRecord load(String token) {
		try {
			return this.store.load(token);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read a recovery session", ex);
			return null;
		}
	}

	private void save(SessionRecord record) {
		try {
			this.store.save(record, this.window);
		}
		catch (RuntimeException ex) {
			logger.debug(LogMessage.format("Could not save the recovery session of client %s", record.clientId()), ex);
		}
	}

	private void refresh() {
		long validUntil = System.currentTimeMillis() + this.window.toMillis();
		for (RecoveringClient recovering : this.live.values()) {
			if (!recovering.replaced && !recovering.resuming() && isRegistered(recovering.connection)) {
				save(recovering, validUntil);
			}
		}
	}

	@Override
	public void start() {
		Duration interval = this.store.refreshInterval();
		if (interval == null) {
			return;
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-recovery-");
		threads.setDaemon(true);
		ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(threads);
		refresher.scheduleWithFixedDelay(this::refresh, interval.toMillis(), interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.refresher = refresher;
	}

	@Override
	public void stop() {
		ScheduledExecutorService refresher = this.refresher;
		if (refresher != null) {
			refresher.shutdownNow();
			this.refresher = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.refresher != null;
	}

	// Helpers

	boolean isRegistered(ClientConnection client) {
		return this.clients.isRegistered(client);
	}

	private static @Nullable String userOf(ClientConnection client) {
		Principal principal = client.principal();
		return (principal != null) ? principal.getName() : null;
	}

	private String frame(String name, JsonNode message) {
		ObjectNode frame = this.json.createObjectNode();
		frame.put("name", name);
		frame.set("message", message);
		frame.put("isAmbiorix", true);
		return this.json.writeValueAsString(frame);
	}

	/**
	 * Read the offsets a client last received: {@code <origin>:<number>}, several
	 * separated by spaces or commas.
	 */
	static Map<String, Long> offsets(@Nullable String text) {
		Map<String, Long> offsets = new HashMap<>();
		if (text == null) {
			return offsets;
		}
		for (String offset : text.split("[ ,]+")) {
			int colon = offset.lastIndexOf(':');
			if (colon <= 0) {
				continue;
			}
			try {
				offsets.merge(offset.substring(0, colon), Long.parseLong(offset.substring(colon + 1)), Math::max);
			}
			catch (NumberFormatException ex) {
				// Not an offset of ours: nothing was received from that node.
			}
		}
		return offsets;
	}

	private record Replay(List<Stamp> stamps, Cursor head) {
	}

	/**
	 * The delivery of {@link dev.ambiorix.spring.WebSocketClients}: every envelope
	 * numbered and recorded, then delivered.
	 */
	private final class Recording implements FrameDelivery {

		@Override
		public void toAll(String frame, @Nullable String exceptId) {
			number('a', "", exceptId, frame, (stamp) -> Recovery.this.delivery.toAll(frame, exceptId, stamp));
		}

		@Override
		public void toClient(String clientId, String frame) {
			number('c', clientId, null, frame, (stamp) -> Recovery.this.delivery.toClient(clientId, frame, stamp));
		}

		@Override
		public void toGroup(String group, String frame, @Nullable String exceptId) {
			number('g', group, exceptId, frame,
					(stamp) -> Recovery.this.delivery.toGroup(group, frame, exceptId, stamp));
		}

		@Override
		public void toUser(String user, String frame, @Nullable String exceptId) {
			number('u', user, exceptId, frame, (stamp) -> Recovery.this.delivery.toUser(user, frame, exceptId, stamp));
		}

		@Override
		public void closeGroup(String group, CloseStatus status) {
			Recovery.this.delivery.closeGroup(group, status);
		}

		@Override
		public void closeUser(String user, CloseStatus status) {
			Recovery.this.delivery.closeUser(user, status);
		}

	}

}

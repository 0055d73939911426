package dev.ambiorix.spring.recovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.Recoverable;
import dev.ambiorix.spring.session.Stamp;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One connection of a client that asked for recovery: it gets each numbered frame once,
 * and holds back live frames while what it missed is replayed.
 */
final class RecoveringClient implements Recoverable {

	private final Recovery recovery;

	final ClientConnection connection;

	final String token;

	final long generation;

	/** The highest number queued to the client, per origin. */
	private final Map<String, Long> queued;

	private final Map<String, Long> first = new HashMap<>();

	private @Nullable List<Stamp> held;

	/**
	 * The groups and presence the client had when it began to leave the registry; while
	 * it resumes a session, the session's, until it has them back.
	 */
	private Set<String> lastGroups = Set.of();

	private @Nullable JsonNode lastPresence;

	/** The session this client resumes, or {@code null} for a new one. */
	final @Nullable SessionRecord resumed;

	/**
	 * Set while the client resumes a session and has not had its replay: a snapshot of it
	 * now would lose what it missed, so none is taken.
	 */
	private volatile boolean resuming;

	/**
	 * The history position when the client began to leave the registry: it got everything
	 * meant for it up to there, and perhaps nothing after. {@code null} while it is in.
	 */
	private volatile @Nullable Cursor leftAt;

	/**
	 * Set when a newer connection recovered this client: this one's close is no leave.
	 */
	volatile boolean replaced;

	/**
	 * Create the client of a connection.
	 * @param resumed the session it resumes, or {@code null} for a new one
	 */
	RecoveringClient(Recovery recovery, ClientConnection connection, String token, long generation,
			Map<String, Long> received, @Nullable SessionRecord resumed) {
		this.recovery = recovery;
		this.connection = connection;
		this.token = token;
		this.generation = generation;
		this.queued = new HashMap<>(received);
		this.resumed = resumed;
		if (resumed != null) {
			this.held = new ArrayList<>();
			this.resuming = true;
			this.lastGroups = resumed.groups();
			this.lastPresence = resumed.presence();
		}
	}

	@Override
	public void sendOwn(String frame) {
		this.recovery.sendOwn(this.connection, frame);
	}

	@Override
	public synchronized void deliver(Stamp stamp) {
		if (this.held != null) {
			this.held.add(stamp);
			return;
		}
		offer(stamp);
	}

	private void offer(Stamp stamp) {
		Long last = this.queued.get(stamp.origin());
		if (last != null && stamp.sequence() <= last) {
			return;
		}
		this.queued.put(stamp.origin(), stamp.sequence());
		this.first.putIfAbsent(stamp.origin(), stamp.sequence());
		this.connection.queueFrame(stamp.frame());
	}

	/**
	 * Queue what was missed, then the answer, then what arrived meanwhile, each once.
	 */
	synchronized void finishReplay(List<Stamp> missed, String answer) {
		missed.forEach(this::offer);
		this.connection.queueFrame(answer);
		List<Stamp> held = this.held;
		this.held = null;
		if (held != null) {
			held.forEach(this::offer);
		}
		this.resuming = false;
	}

	boolean resuming() {
		return this.resuming;
	}

	synchronized Map<String, Long> queued() {
		return Map.copyOf(this.queued);
	}

	synchronized Map<String, Long> first() {
		return Map.copyOf(this.first);
	}

	@Override
	public void leaving() {
		// Once is enough: the registry tells it before it leaves, then again in
		// removed().
		if (this.leftAt != null) {
			return;
		}
		// Read before the client leaves the registry's views, not when it has left them:
		// whatever is delivered in between is neither queued to it nor after a later
		// position, and a replay would miss it.
		Cursor at = this.recovery.cursor();
		// Its groups too, while it is still in them: a snapshot taken before it is told
		// that it left reads them here.
		Set<String> groups = this.connection.groups();
		JsonNode presence = this.connection.presence();
		synchronized (this) {
			if (this.leftAt != null) {
				return;
			}
			this.leftAt = at;
			if (!this.resuming) {
				this.lastGroups = groups;
				this.lastPresence = presence;
			}
		}
	}

	@Override
	public void removed(Member member, Set<String> groups) {
		leaving();
		synchronized (this) {
			if (!this.resuming) {
				this.lastGroups = groups;
				this.lastPresence = member.presence();
			}
		}
	}

	/**
	 * Return the position up to which the client got everything meant for it: when it
	 * began to leave the registry, or now.
	 */
	Cursor at(Cursor now) {
		Cursor left = this.leftAt;
		return (left != null) ? left : now;
	}

	/**
	 * Return whether the client is in the registry under the id it resumed, and has not
	 * begun to leave it.
	 * @return {@code false} when its connection closed meanwhile
	 */
	synchronized boolean registered() {
		return this.leftAt == null && this.recovery.isRegistered(this.connection);
	}

	synchronized Set<String> groups() {
		return (this.resuming || this.leftAt != null) ? this.lastGroups : this.connection.groups();
	}

	synchronized @Nullable JsonNode presence() {
		return (this.resuming || this.leftAt != null) ? this.lastPresence : this.connection.presence();
	}

}

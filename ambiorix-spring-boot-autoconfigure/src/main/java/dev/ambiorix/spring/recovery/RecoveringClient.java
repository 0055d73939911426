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

	private Set<String> lastGroups = Set.of();

	private @Nullable JsonNode lastPresence;

	private volatile boolean removed;

	/**
	 * The history position when the client began to leave the registry: it got everything
	 * meant for it up to there, and perhaps nothing after. {@code null} while it is in.
	 */
	private volatile @Nullable Cursor leftAt;

	/**
	 * Set when a newer connection recovered this client: this one's close is no leave.
	 */
	volatile boolean replaced;

	RecoveringClient(Recovery recovery, ClientConnection connection, String token, long generation,
			Map<String, Long> received, boolean replaying) {
		this.recovery = recovery;
		this.connection = connection;
		this.token = token;
		this.generation = generation;
		this.queued = new HashMap<>(received);
		this.held = replaying ? new ArrayList<>() : null;
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
	}

	synchronized Map<String, Long> queued() {
		return Map.copyOf(this.queued);
	}

	synchronized Map<String, Long> first() {
		return Map.copyOf(this.first);
	}

	@Override
	public void leaving() {
		// Read before the client leaves the registry's views, not when it has left them:
		// whatever is delivered in between is neither queued to it nor after a later
		// position, and a replay would miss it.
		Cursor at = this.recovery.cursor();
		synchronized (this) {
			if (this.leftAt == null) {
				this.leftAt = at;
			}
		}
	}

	@Override
	public void removed(Member member, Set<String> groups) {
		leaving();
		synchronized (this) {
			this.lastGroups = groups;
			this.lastPresence = member.presence();
			this.removed = true;
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

	synchronized void registered() {
		this.leftAt = null;
		this.removed = false;
	}

	synchronized Set<String> groups() {
		return this.removed ? this.lastGroups : this.connection.groups();
	}

	synchronized @Nullable JsonNode presence() {
		return this.removed ? this.lastPresence : this.connection.presence();
	}

}

package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Sessions and a bounded history in this node's memory: recovery on one node.
 */
final class MemoryRecoveryStore implements RecoveryStore {

	private final String nodeId = UUID.randomUUID().toString().substring(0, 8);

	private final int capacity;

	private final ArrayDeque<HistoryEntry> history;

	private final Map<String, Kept> sessions = new ConcurrentHashMap<>();

	private volatile long delivered;

	private long dropped;

	/**
	 * Create the store.
	 * @param capacity how many envelopes the history keeps
	 */
	public MemoryRecoveryStore(int capacity) {
		this.capacity = capacity;
		this.history = new ArrayDeque<>(Math.min(capacity, 1024));
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public void save(SessionRecord record, Duration keepFor) {
		long now = System.currentTimeMillis();
		this.sessions.values().removeIf((kept) -> kept.until < now);
		this.sessions.compute(record.token(),
				(token, kept) -> (kept != null && kept.record.generation() > record.generation()) ? kept
						: new Kept(record, record.validUntil() + keepFor.toMillis()));
	}

	@Override
	public @Nullable SessionRecord load(String token) {
		Kept kept = this.sessions.get(token);
		return (kept != null) ? kept.record : null;
	}

	@Override
	public synchronized void record(long sequence, char kind, String target, @Nullable String exceptId, String frame) {
		if (this.history.size() >= this.capacity) {
			this.history.pollFirst();
			this.dropped++;
		}
		this.history.addLast(
				new HistoryEntry(this.nodeId, sequence, 0, new Position(sequence, 0), kind, target, exceptId, frame));
	}

	@Override
	public void delivered(long sequence) {
		this.delivered = sequence;
	}

	@Override
	public Cursor cursor() {
		return Cursor.of(new Position(this.delivered, 0));
	}

	@Override
	public void awaitRecorded(long sequence) {
	}

	@Override
	public synchronized History newestFirst() {
		List<HistoryEntry> entries = new ArrayList<>(this.history);
		Collections.reverse(entries);
		return new OneLane(entries.iterator());
	}

	@Override
	public synchronized boolean trimmed() {
		return this.dropped > 0;
	}

	@Override
	public @Nullable Duration refreshInterval() {
		return null;
	}

	private record Kept(SessionRecord record, long until) {
	}

	/**
	 * The history of one node: one lane.
	 */
	private static final class OneLane implements History {

		private final Iterator<HistoryEntry> entries;

		private boolean stopped;

		OneLane(Iterator<HistoryEntry> entries) {
			this.entries = entries;
		}

		@Override
		public boolean hasNext() {
			return !this.stopped && this.entries.hasNext();
		}

		@Override
		public HistoryEntry next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			return this.entries.next();
		}

		@Override
		public void stop(int lane) {
			this.stopped = true;
		}

		@Override
		public Set<Integer> readToStart() {
			return (this.stopped || this.entries.hasNext()) ? Set.of() : Set.of(0);
		}

	}

}

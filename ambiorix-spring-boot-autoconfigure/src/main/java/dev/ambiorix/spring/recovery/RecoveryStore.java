package dev.ambiorix.spring.recovery;

import org.jspecify.annotations.Nullable;

/**
 * Where sessions of clients that are away, and the history they are replayed from, live:
 * this node's memory, or Redis for a cluster.
 */
public interface RecoveryStore {

	/**
	 * Return the id of this node, the origin of the numbers it gives.
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Keep a session record, unless the store holds one of a later generation.
	 * @param record the record
	 * @param keepFor how long after its {@code validUntil} the record is still kept, to
	 * answer {@code expired} rather than {@code unknown_session}
	 */
	void save(SessionRecord record, java.time.Duration keepFor);

	/**
	 * Find a session record.
	 * @param token the session token
	 * @return the record, or {@code null}
	 */
	@Nullable SessionRecord load(String token);

	/**
	 * Record a numbered envelope of this node. Called in the order of the numbers.
	 * @param sequence its number
	 * @param kind the kind of target
	 * @param target the target
	 * @param exceptId a client skipped, or {@code null}
	 * @param frame the frame with its offset
	 */
	void record(long sequence, char kind, String target, @Nullable String exceptId, String frame);

	/**
	 * This node's envelope with the given number has been delivered to this node's
	 * clients.
	 * @param sequence its number
	 */
	default void delivered(long sequence) {
	}

	/**
	 * Return the position in each lane up to which this node has delivered every recorded
	 * envelope to its clients. Called without any lock held, from any thread.
	 * @return the cursor
	 */
	Cursor cursor();

	/**
	 * Wait a little until this node's envelopes up to a number are readable in the
	 * history.
	 * @param sequence the number
	 */
	void awaitRecorded(long sequence);

	/**
	 * Read the history from its newest entry back. Each lane's entries come in its order,
	 * newest first; entries of different lanes are interleaved.
	 * @return the entries, newest first
	 */
	History newestFirst();

	/**
	 * Return whether the history was ever trimmed, so that reaching its oldest entry may
	 * mean that entries are missing.
	 * @return {@code true} if entries were dropped
	 */
	boolean trimmed();

	/**
	 * Return how often the records of connected clients must be written again, so that
	 * they survive the death of this node.
	 * @return the interval, or {@code null} when records live in this node's memory
	 */
	java.time.@Nullable Duration refreshInterval();

}

package dev.ambiorix.spring.cluster.redis;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import dev.ambiorix.spring.recovery.Cursor;
import dev.ambiorix.spring.recovery.History;
import dev.ambiorix.spring.recovery.HistoryEntry;
import dev.ambiorix.spring.recovery.Position;
import dev.ambiorix.spring.recovery.RecoveryStore;
import dev.ambiorix.spring.recovery.SessionRecord;
import dev.ambiorix.spring.session.Stamp;
import org.jspecify.annotations.Nullable;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteRecord;

/**
 * Sessions and history in Redis, where a surviving node reads them: the history is the
 * relay's streams themselves, one lane each (every numbered envelope is written to its
 * node's stream, sends to a client of the same node included), and each session is a key
 * {@code {prefix}:recovery:<token>} that expires after the window.
 */
final class RedisRecoveryStore implements RecoveryStore {

	private static final int PAGE = 512;

	private static final Duration AWAIT = Duration.ofSeconds(2);

	/**
	 * Compare and write in one step: a node's refresh read before another node's newer
	 * save must not overwrite it.
	 */
	private static final byte[] SAVE_UNLESS_NEWER = RedisKeys.bytes("""
			local existing = redis.call('GET', KEYS[1])
			if existing and tonumber(cjson.decode(existing)['n']) > tonumber(ARGV[2]) then
			  return 0
			end
			redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
			return 1
			""");

	private final RedisRelay relay;

	private final Duration refreshInterval;

	RedisRecoveryStore(RedisRelay relay, Duration refreshInterval) {
		this.relay = relay;
		this.refreshInterval = refreshInterval;
	}

	@Override
	public String nodeId() {
		return this.relay.nodeId();
	}

	private byte[] key(String token) {
		return RedisKeys.bytes("{" + this.relay.keys().prefix() + "}:recovery:" + token);
	}

	@Override
	public void save(SessionRecord record, Duration keepFor) {
		long ttl = Math.max(1, record.validUntil() - System.currentTimeMillis() + keepFor.toMillis());
		byte[] key = key(record.token());
		try (RedisConnection connection = this.relay.connectionFactory().getConnection()) {
			connection.scriptingCommands()
				.eval(SAVE_UNLESS_NEWER, ReturnType.INTEGER, 1, key, RedisKeys.bytes(record.toJson()),
						RedisKeys.bytes(Long.toString(record.generation())), RedisKeys.bytes(Long.toString(ttl)));
		}
	}

	@Override
	public @Nullable SessionRecord load(String token) {
		try (RedisConnection connection = this.relay.connectionFactory().getConnection()) {
			byte[] value = connection.stringCommands().get(key(token));
			return (value != null) ? SessionRecord.fromJson(RedisKeys.string(value)) : null;
		}
	}

	@Override
	public void record(long sequence, char kind, String target, @Nullable String exceptId, String frame) {
		// The relay writes every numbered envelope to the stream.
	}

	@Override
	public Cursor cursor() {
		List<Position> lanes = new ArrayList<>(this.relay.streams());
		for (int stream = 0; stream < this.relay.streams(); stream++) {
			String cursor = this.relay.cursor(stream);
			lanes.add((cursor != null) ? Position.parse(cursor) : Position.ZERO);
		}
		return new Cursor(lanes);
	}

	@Override
	public void awaitRecorded(long sequence) {
		long deadline = System.nanoTime() + AWAIT.toNanos();
		while (this.relay.writtenStamp() < sequence && System.nanoTime() < deadline) {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public History newestFirst() {
		return new Merged(this.relay.streams());
	}

	@Override
	public boolean trimmed() {
		try (RedisConnection connection = this.relay.connectionFactory().getConnection()) {
			for (int stream = 0; stream < this.relay.streams(); stream++) {
				Long length = connection.streamCommands().xLen(this.relay.stream(stream));
				if (length != null && length >= this.relay.retention()) {
					return true;
				}
			}
			return false;
		}
	}

	@Override
	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	private static @Nullable HistoryEntry entry(int lane, ByteRecord record) {
		Map<String, byte[]> fields = new HashMap<>(8);
		record.getValue().forEach((key, value) -> fields.put(RedisKeys.string(key), value));
		byte[] origin = fields.get("o");
		byte[] stamp = fields.get("r");
		byte[] kind = fields.get("k");
		byte[] frame = fields.get("f");
		if (origin == null || stamp == null || kind == null || frame == null) {
			return null;
		}
		byte[] target = fields.get("t");
		byte[] except = fields.get("x");
		String node = RedisKeys.string(origin);
		long sequence = Long.parseLong(RedisKeys.string(stamp));
		return new HistoryEntry(node, sequence, lane, Position.parse(record.getId().getValue()), (char) kind[0],
				(target != null) ? RedisKeys.string(target) : "",
				(except != null && except.length > 0) ? RedisKeys.string(except) : null,
				Stamp.of(RedisKeys.string(frame), node, sequence).frame());
	}

	/**
	 * Every stream read backwards, the newest entry of all first (entry ids of one Redis
	 * share a clock; of shards, roughly). Each stream's first page is read before
	 * anything is returned.
	 */
	private final class Merged implements History {

		private final List<Pages> lanes = new ArrayList<>();

		Merged(int streams) {
			for (int stream = 0; stream < streams; stream++) {
				Pages pages = new Pages(stream);
				pages.hasNext();
				this.lanes.add(pages);
			}
		}

		@Override
		public boolean hasNext() {
			return newest() != null;
		}

		@Override
		public HistoryEntry next() {
			Pages newest = newest();
			if (newest == null) {
				throw new NoSuchElementException();
			}
			return newest.next();
		}

		private @Nullable Pages newest() {
			Pages newest = null;
			for (Pages lane : this.lanes) {
				if (!lane.stopped && lane.hasNext()
						&& (newest == null || lane.peek().position().compareTo(newest.peek().position()) > 0)) {
					newest = lane;
				}
			}
			return newest;
		}

		@Override
		public void stop(int lane) {
			this.lanes.get(lane).stopped = true;
		}

		@Override
		public Set<Integer> readToStart() {
			Set<Integer> lanes = new HashSet<>();
			for (Pages lane : this.lanes) {
				if (!lane.stopped && !lane.hasNext()) {
					lanes.add(lane.lane);
				}
			}
			return lanes;
		}

	}

	/**
	 * One stream read backwards, a page at a time.
	 */
	private final class Pages implements Iterator<HistoryEntry> {

		private final int lane;

		private final ArrayDeque<HistoryEntry> page = new ArrayDeque<>();

		private boolean stopped;

		Pages(int lane) {
			this.lane = lane;
		}

		HistoryEntry peek() {
			HistoryEntry entry = this.page.peek();
			if (entry == null) {
				throw new NoSuchElementException();
			}
			return entry;
		}

		private @Nullable String before;

		private boolean exhausted;

		@Override
		public boolean hasNext() {
			while (this.page.isEmpty() && !this.exhausted) {
				read();
			}
			return !this.page.isEmpty();
		}

		@Override
		public HistoryEntry next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			return this.page.poll();
		}

		private void read() {
			Range<String> range = (this.before != null) ? Range.leftUnbounded(Range.Bound.exclusive(this.before))
					: Range.unbounded();
			List<ByteRecord> records;
			try (RedisConnection connection = RedisRecoveryStore.this.relay.connectionFactory().getConnection()) {
				records = connection.streamCommands()
					.xRevRange(RedisRecoveryStore.this.relay.stream(this.lane), range, Limit.limit().count(PAGE));
			}
			if (records == null || records.isEmpty()) {
				this.exhausted = true;
				return;
			}
			for (ByteRecord record : records) {
				HistoryEntry entry = entry(this.lane, record);
				if (entry != null) {
					this.page.add(entry);
				}
			}
			this.before = records.get(records.size() - 1).getId().getValue();
			if (records.size() < PAGE) {
				this.exhausted = true;
			}
		}

	}

}

package dev.ambiorix.spring.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;

import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.Stamp;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.web.socket.CloseStatus;
import org.springframework.core.log.LogMessage;

/**
 * Delivers frames to this node's clients at once and relays them to the other nodes
 * through Redis Streams: one, or several that Redis Cluster can spread over shards.
 * <p>
 * The sending node writes each frame once, already serialized, with {@code XADD MAXLEN ~}
 * from a single writer thread, in batches that a script appends atomically (a batch of
 * one with a plain {@code XADD}, atomic by itself), always to the same stream (taken in
 * turn when the node first writes), so that stream holds the node's envelopes in the
 * order they were sent. Every node reads every stream from a cursor of its own with
 * {@code XREAD BLOCK}, one thread and connection per stream (a blocking read names one
 * key, which Redis Cluster needs), and delivers each entry to its own clients; it skips
 * its own entries, which it delivered locally when they were sent. A dropped connection
 * is resumed from the cursor, so nothing is lost while the stream still holds the
 * entries.
 * <p>
 * Each entry carries its node's sequence number. A batch whose write failed is written
 * again, which can put the batch in the stream twice, one copy after the other; readers
 * drop any entry whose sequence number they have passed, so every client gets it once.
 * (Pipelined single appends would not do: after a dropped connection, later appends of a
 * batch can land while earlier ones failed, and the retry would come too late.)
 * <p>
 * Envelopes for other nodes wait in a bounded buffer. While Redis answers, a sender that
 * finds it full waits up to a second for room; while Redis is unreachable, further
 * envelopes are dropped at once and counted as failed.
 */
public final class RedisRelay implements FrameDelivery, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisRelay.class);

	private static final int BATCH_SIZE = 256;

	/**
	 * Appends a batch in one step: a batch is in the stream whole or not at all, so a
	 * batch written again after a lost reply only ever follows itself, and readers can
	 * drop it by sequence number without ever skipping an envelope. {@code ARGV[1]} is
	 * the retention, then each entry is its number of fields followed by its fields and
	 * values (only those it needs: an envelope to all clients with no excepted client has
	 * four).
	 */
	private static final String APPEND_BATCH = """
			local i, appended = 2, 0
			while i <= #ARGV do
			  local fields = tonumber(ARGV[i])
			  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, i + 1, i + 2 * fields))
			  i = i + 1 + 2 * fields
			  appended = appended + 1
			end
			return appended
			""";

	private static final byte[] APPEND_BATCH_BYTES = RedisKeys.bytes(APPEND_BATCH);

	/** The script's SHA-1, with which {@code EVALSHA} runs it without sending it. */
	private static final byte[] APPEND_BATCH_SHA = RedisKeys.bytes(sha1(APPEND_BATCH));

	/** An entry's number of fields, as the script reads it. */
	private static final byte[][] COUNTS = { RedisKeys.bytes("0"), RedisKeys.bytes("1"), RedisKeys.bytes("2"),
			RedisKeys.bytes("3"), RedisKeys.bytes("4"), RedisKeys.bytes("5"), RedisKeys.bytes("6"),
			RedisKeys.bytes("7"), RedisKeys.bytes("8") };

	private static final byte[] ORIGIN = RedisKeys.bytes("o");

	private static final byte[] SEQUENCE = RedisKeys.bytes("s");

	private static final byte[] KIND = RedisKeys.bytes("k");

	private static final byte[] TARGET = RedisKeys.bytes("t");

	private static final byte[] EXCEPT = RedisKeys.bytes("x");

	private static final byte[] FRAME = RedisKeys.bytes("f");

	private static final byte[] CLOSE = RedisKeys.bytes("c");

	private static final byte[] STAMP = RedisKeys.bytes("r");

	private static final Duration BLOCK = Duration.ofSeconds(1);

	private static final Duration RETRY_DELAY = Duration.ofMillis(250);

	private static final Duration BACKPRESSURE_WAIT = Duration.ofSeconds(1);

	private final LocalFrameDelivery local;

	private final RedisConnectionFactory connectionFactory;

	private final RedisKeys keys;

	private final long retention;

	private final int streams;

	private final RelayStatus status;

	private final BlockingQueue<Outgoing> outgoing;

	private final AtomicLong sequence = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicLong inFlight = new AtomicLong();

	private final AtomicLong relayedOut = new AtomicLong();

	private final AtomicLong relayedIn = new AtomicLong();

	private volatile LongConsumer lagListener = (lag) -> {
	};

	/** The highest recovery number written to the stream. */
	private final AtomicLong writtenStamp = new AtomicLong();

	/** The last sequence number delivered from each other node. */
	private final Map<String, Long> delivered = new ConcurrentHashMap<>();

	private volatile boolean running;

	private @Nullable Thread writer;

	private final List<Thread> readers = new ArrayList<>();

	/** The key of each stream. */
	private final List<String> streamKeys;

	/** The entry each stream has been read up to, {@code null} before its first read. */
	private final AtomicReferenceArray<@Nullable String> cursors;

	/** The key of each stream, as bytes. */
	private final byte[][] streamBytes;

	private final byte[] nodeIdBytes;

	private final byte[] retentionBytes;

	private final XAddOptions appendOptions;

	/** The stream this node appends to, -1 until it took its turn. */
	private volatile int ownStream = -1;

	RedisRelay(LocalFrameDelivery local, RedisConnectionFactory connectionFactory, RedisKeys keys, long retention,
			int streams, int bufferSize, RelayStatus status) {
		this.local = local;
		this.connectionFactory = connectionFactory;
		this.keys = keys;
		this.retention = retention;
		this.streams = streams;
		this.status = status;
		this.outgoing = new ArrayBlockingQueue<>(bufferSize);
		this.cursors = new AtomicReferenceArray<>(streams);
		List<String> streamKeys = new ArrayList<>(streams);
		for (int stream = 0; stream < streams; stream++) {
			streamKeys.add(keys.relay(stream, streams));
		}
		this.streamKeys = List.copyOf(streamKeys);
		this.streamBytes = streamKeys.stream().map(RedisKeys::bytes).toArray(byte[][]::new);
		this.nodeIdBytes = RedisKeys.bytes(keys.nodeId());
		this.retentionBytes = RedisKeys.bytes(Long.toString(retention));
		this.appendOptions = XAddOptions.maxlen(retention).approximateTrimming(true);
	}

	@Override
	public void toAll(String frame, @Nullable String exceptId) {
		this.local.toAll(frame, exceptId);
		relay(Kind.ALL, "", exceptId, frame);
	}

	@Override
	public void toClient(String clientId, String frame) {
		if (this.local.hasClient(clientId)) {
			this.local.toClient(clientId, frame);
			return;
		}
		relay(Kind.CLIENT, clientId, null, frame);
	}

	@Override
	public void toGroup(String group, String frame, @Nullable String exceptId) {
		this.local.toGroup(group, frame, exceptId);
		relay(Kind.GROUP, group, exceptId, frame);
	}

	@Override
	public void toUser(String user, String frame, @Nullable String exceptId) {
		this.local.toUser(user, frame, exceptId);
		relay(Kind.USER, user, exceptId, frame);
	}

	@Override
	public void toAll(String frame, @Nullable String exceptId, Stamp stamp) {
		this.local.toAll(frame, exceptId, stamp);
		relay(Kind.ALL, "", exceptId, frame, stamp.sequence());
	}

	/**
	 * Deliver a numbered frame to one client: at once when it is here, and through the
	 * stream in any case, where a node that recovers the client finds it.
	 */
	@Override
	public void toClient(String clientId, String frame, Stamp stamp) {
		this.local.toClient(clientId, frame, stamp);
		relay(Kind.CLIENT, clientId, null, frame, stamp.sequence());
	}

	@Override
	public void toGroup(String group, String frame, @Nullable String exceptId, Stamp stamp) {
		this.local.toGroup(group, frame, exceptId, stamp);
		relay(Kind.GROUP, group, exceptId, frame, stamp.sequence());
	}

	@Override
	public void toUser(String user, String frame, @Nullable String exceptId, Stamp stamp) {
		this.local.toUser(user, frame, exceptId, stamp);
		relay(Kind.USER, user, exceptId, frame, stamp.sequence());
	}

	/**
	 * Return the entry of the first stream this node has read up to.
	 * @return the entry id, or {@code null} before the first read
	 */
	public @Nullable String cursor() {
		return cursor(0);
	}

	/**
	 * Return the entry of one stream this node has read up to.
	 * @param stream the stream's index, from 0
	 * @return the entry id, or {@code null} before the first read
	 */
	public @Nullable String cursor(int stream) {
		return this.cursors.get(stream);
	}

	/**
	 * Return how many streams the relay spreads over.
	 * @return the number of streams, at least 1
	 */
	public int streams() {
		return this.streams;
	}

	/**
	 * Return the key of one stream.
	 * @param stream the stream's index, from 0
	 * @return its key, such as {@code {ambiorix}:relay}
	 */
	public String streamKey(int stream) {
		return this.streamKeys.get(stream);
	}

	byte[] stream(int stream) {
		return RedisKeys.bytes(this.streamKeys.get(stream));
	}

	/**
	 * Return the stream this node appends to.
	 * @return its index, or -1 before this node first wrote to Redis
	 */
	public int ownStream() {
		return this.ownStream;
	}

	/**
	 * Return the highest recovery number this node has written to the stream.
	 * @return the number, 0 when none
	 */
	public long writtenStamp() {
		return this.writtenStamp.get();
	}

	RedisConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	RedisKeys keys() {
		return this.keys;
	}

	long retention() {
		return this.retention;
	}

	/**
	 * Return how many envelopes for other nodes wait to be written to Redis.
	 * @return the number waiting
	 */
	public long waiting() {
		return this.outgoing.size() + this.inFlight.get();
	}

	/**
	 * Return how many envelopes for other nodes were dropped because the buffer was full
	 * while Redis was unreachable.
	 * @return the number dropped since start
	 */
	public long failed() {
		return this.failed.get();
	}

	/**
	 * Return how many envelopes this node wrote to the stream for other nodes.
	 * @return the number written since start
	 */
	public long relayedOut() {
		return this.relayedOut.get();
	}

	/**
	 * Return how many envelopes from other nodes this node read from the stream and
	 * delivered to its clients (duplicates of a batch written twice not counted).
	 * @return the number delivered since start
	 */
	public long relayedIn() {
		return this.relayedIn.get();
	}

	/**
	 * Set what is told, for each envelope from another node, how many milliseconds passed
	 * between its append to the stream (the milliseconds of its entry id, by the Redis
	 * server's clock) and its delivery here.
	 * @param listener takes the lag in milliseconds
	 */
	public void lagListener(LongConsumer listener) {
		this.lagListener = listener;
	}

	/**
	 * Return whether Redis answered the relay's last command.
	 * @return {@code true} while the relay is up
	 */
	public boolean isUp() {
		return this.status.isUp();
	}

	/**
	 * Return this node's id in the cluster.
	 * @return the node id
	 */
	public String nodeId() {
		return this.keys.nodeId();
	}

	@Override
	public void closeGroup(String group, CloseStatus status) {
		this.local.closeGroup(group, status);
		relay(Kind.CLOSE_GROUP, group, null, closeField(status));
	}

	@Override
	public void closeUser(String user, CloseStatus status) {
		this.local.closeUser(user, status);
		relay(Kind.CLOSE_USER, user, null, closeField(status));
	}

	/**
	 * The close status of a close entry: the code, a space, the reason. Written in field
	 * {@code c} instead of {@code f}, so that a node of an earlier version, which needs
	 * {@code f}, skips the entry rather than delivering it as a frame.
	 */
	private static String closeField(CloseStatus status) {
		String reason = status.getReason();
		return status.getCode() + " " + ((reason != null) ? reason : "");
	}

	private static CloseStatus closeStatus(String field) {
		int space = field.indexOf(' ');
		int code = Integer.parseInt(field.substring(0, space));
		String reason = field.substring(space + 1);
		return reason.isEmpty() ? new CloseStatus(code) : new CloseStatus(code, reason);
	}

	private void relay(Kind kind, String target, @Nullable String exceptId, String frame) {
		relay(kind, target, exceptId, frame, 0);
	}

	private void relay(Kind kind, String target, @Nullable String exceptId, String frame, long stamp) {
		// The sequence number is taken under the queue's order: one lock keeps both in
		// step.
		synchronized (this.outgoing) {
			Outgoing envelope = new Outgoing(this.sequence.get() + 1, kind, target, exceptId, frame, stamp);
			if (this.outgoing.offer(envelope) || (this.status.isUp() && offerWaiting(envelope))) {
				this.sequence.incrementAndGet();
			}
			else {
				this.failed.incrementAndGet();
			}
		}
	}

	/**
	 * While Redis answers, a full buffer means a burst faster than Redis takes it: the
	 * sender waits a moment for room rather than losing the envelope for other nodes.
	 */
	private boolean offerWaiting(Outgoing envelope) {
		try {
			return this.outgoing.offer(envelope, BACKPRESSURE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void start() {
		this.running = true;
		Thread writer = new Thread(this::writeLoop, "ambiorix-relay-writer");
		writer.setDaemon(true);
		this.writer = writer;
		this.readers.clear();
		for (int stream = 0; stream < this.streams; stream++) {
			this.cursors.set(stream, null);
		}
		startCursors();
		for (int stream = 0; stream < this.streams; stream++) {
			int index = stream;
			Thread reader = new Thread(() -> readLoop(index),
					(this.streams == 1) ? "ambiorix-relay-reader" : "ambiorix-relay-reader-" + stream);
			reader.setDaemon(true);
			this.readers.add(reader);
		}
		writer.start();
		this.readers.forEach(Thread::start);
	}

	@Override
	public void stop() {
		this.running = false;
		List<@Nullable Thread> threads = new ArrayList<>(this.readers);
		threads.add(0, this.writer);
		for (Thread thread : threads) {
			if (thread != null) {
				thread.interrupt();
				try {
					thread.join(BLOCK.toMillis() * 3);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		this.local.destroy();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void writeLoop() {
		List<Outgoing> batch = new ArrayList<>(BATCH_SIZE);
		while (this.running) {
			try {
				if (batch.isEmpty()) {
					Outgoing first = this.outgoing.poll(BLOCK.toMillis(), TimeUnit.MILLISECONDS);
					if (first == null) {
						continue;
					}
					batch.add(first);
					this.outgoing.drainTo(batch, BATCH_SIZE - 1);
					this.inFlight.set(batch.size());
				}
				write(batch);
				this.status.succeeded();
				batch.clear();
				this.inFlight.set(0);
			}
			catch (InterruptedException ex) {
				return;
			}
			catch (RuntimeException ex) {
				// Kept and written again: readers drop what already made it.
				this.status.failed(ex);
				pause();
			}
		}
	}

	private void write(List<Outgoing> batch) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			byte[] stream = this.streamBytes[ownStream(connection)];
			if (batch.size() == 1) {
				// One XADD is in the stream whole or not at all by itself: no script.
				List<byte[]> fields = fields(batch.get(0));
				Map<byte[], byte[]> entry = new LinkedHashMap<>(fields.size());
				for (int i = 0; i < fields.size(); i += 2) {
					entry.put(fields.get(i), fields.get(i + 1));
				}
				connection.streamCommands().xAdd(MapRecord.create(stream, entry), this.appendOptions);
			}
			else {
				appendBatch(connection, stream, batch);
			}
			for (Outgoing envelope : batch) {
				this.writtenStamp.accumulateAndGet(envelope.stamp(), Math::max);
			}
			this.relayedOut.addAndGet(batch.size());
		}
	}

	/**
	 * Append a batch with the script, by its SHA-1 ({@code EVALSHA}); when Redis does not
	 * have it (first use, a restarted Redis, another shard), {@code NOSCRIPT} wrote
	 * nothing, and {@code EVAL} sends it along.
	 */
	private void appendBatch(RedisConnection connection, byte[] stream, List<Outgoing> batch) {
		List<byte[]> keysAndArgs = new ArrayList<>(2 + batch.size() * 13);
		keysAndArgs.add(stream);
		keysAndArgs.add(this.retentionBytes);
		for (Outgoing envelope : batch) {
			List<byte[]> fields = fields(envelope);
			keysAndArgs.add(COUNTS[fields.size() / 2]);
			keysAndArgs.addAll(fields);
		}
		byte[][] array = keysAndArgs.toArray(new byte[0][]);
		try {
			connection.scriptingCommands().evalSha(APPEND_BATCH_SHA, ReturnType.INTEGER, 1, array);
		}
		catch (RuntimeException ex) {
			if (!isNoScript(ex)) {
				throw ex;
			}
			connection.scriptingCommands().eval(APPEND_BATCH_BYTES, ReturnType.INTEGER, 1, array);
		}
	}

	/**
	 * The fields and values of an envelope's entry, only those it needs: origin, sequence
	 * number, kind, then the target and the excepted client when there are any, the frame
	 * (or a close's status) and the recovery's number when recovery numbered it. A node
	 * of an earlier version reads a missing target as none and a missing excepted client
	 * as none too.
	 */
	private List<byte[]> fields(Outgoing envelope) {
		List<byte[]> fields = new ArrayList<>(14);
		fields.add(ORIGIN);
		fields.add(this.nodeIdBytes);
		fields.add(SEQUENCE);
		fields.add(RedisKeys.bytes(Long.toString(envelope.sequence())));
		fields.add(KIND);
		fields.add(envelope.kind().code);
		if (!envelope.target().isEmpty()) {
			fields.add(TARGET);
			fields.add(RedisKeys.bytes(envelope.target()));
		}
		String exceptId = envelope.exceptId();
		if (exceptId != null && !exceptId.isEmpty()) {
			fields.add(EXCEPT);
			fields.add(RedisKeys.bytes(exceptId));
		}
		fields.add(envelope.kind().isClose() ? CLOSE : FRAME);
		fields.add(RedisKeys.bytes(envelope.frame()));
		if (envelope.stamp() > 0) {
			fields.add(STAMP);
			fields.add(RedisKeys.bytes(Long.toString(envelope.stamp())));
		}
		return fields;
	}

	private static boolean isNoScript(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains("NOSCRIPT")) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static String sha1(String script) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the stream this node appends to, taking it on the first call: the nodes take
	 * the streams in turn, so that a few nodes spread over as many streams (and shards).
	 * All of one node's envelopes go to that one stream, which keeps them in order.
	 */
	private int ownStream(RedisConnection connection) {
		int own = this.ownStream;
		if (own < 0) {
			if (this.streams == 1) {
				own = 0;
			}
			else {
				Long turn = connection.stringCommands().incr(this.keys.relayTurn());
				own = (int) Math.floorMod((turn != null) ? turn - 1 : 0, (long) this.streams);
				logger.debug(LogMessage.format("Node %s appends to relay stream %d of %d", this.keys.nodeId(), own,
						this.streams));
			}
			this.ownStream = own;
		}
		return own;
	}

	private void readLoop(int index) {
		byte[] stream = stream(index);
		StreamReadOptions options = StreamReadOptions.empty().count(BATCH_SIZE).block(BLOCK);
		while (this.running) {
			try (RedisConnection connection = this.connectionFactory.getConnection()) {
				if (this.cursors.get(index) == null) {
					this.cursors.set(index, lastId(connection, stream));
				}
				while (this.running) {
					String cursor = this.cursors.get(index);
					List<ByteRecord> records = connection.streamCommands()
						.xRead(options, StreamOffset.create(stream, ReadOffset.from(cursor)));
					this.status.succeeded();
					if (records == null) {
						continue;
					}
					for (ByteRecord record : records) {
						if (deliver(record.getValue())) {
							this.relayedIn.incrementAndGet();
							lag(record);
						}
						this.cursors.set(index, record.getId().getValue());
					}
				}
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				this.status.failed(ex);
				pause();
			}
		}
	}

	/**
	 * Take each stream's last entry as the cursor before the node serves anyone, so that
	 * whatever other nodes send once it has started reaches its clients, even when a
	 * reader thread is slow to begin. Without Redis, each reader does it when it can.
	 */
	private void startCursors() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			for (int stream = 0; stream < this.streams; stream++) {
				this.cursors.set(stream, lastId(connection, stream(stream)));
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Redis did not answer at start; the relay's readers start when it does", ex);
		}
	}

	private static String lastId(RedisConnection connection, byte[] stream) {
		List<ByteRecord> last = connection.streamCommands()
			.xRevRange(stream, Range.unbounded(), Limit.limit().count(1));
		return (last == null || last.isEmpty()) ? "0-0" : last.get(0).getId().getValue();
	}

	private void lag(ByteRecord record) {
		Long appended = record.getId().getTimestamp();
		if (appended != null) {
			try {
				this.lagListener.accept(Math.max(0, System.currentTimeMillis() - appended));
			}
			catch (RuntimeException ex) {
				logger.debug("The relay lag listener failed", ex);
			}
		}
	}

	/**
	 * Deliver one entry to this node's clients, unless it is this node's own (the writer
	 * puts the origin first, so an own entry is dropped at its first field) or a copy of
	 * one delivered already.
	 */
	private boolean deliver(Map<byte[], byte[]> raw) {
		byte[] originBytes = null;
		byte[] sequenceBytes = null;
		byte[] kindBytes = null;
		byte[] targetBytes = null;
		byte[] exceptBytes = null;
		byte[] frameBytes = null;
		byte[] closeBytes = null;
		byte[] stampBytes = null;
		for (Map.Entry<byte[], byte[]> field : raw.entrySet()) {
			byte[] key = field.getKey();
			if (key.length != 1) {
				continue;
			}
			byte[] value = field.getValue();
			switch (key[0]) {
				case 'o' -> {
					if (Arrays.equals(value, this.nodeIdBytes)) {
						return false;
					}
					originBytes = value;
				}
				case 's' -> sequenceBytes = value;
				case 'k' -> kindBytes = value;
				case 't' -> targetBytes = value;
				case 'x' -> exceptBytes = value;
				case 'f' -> frameBytes = value;
				case 'c' -> closeBytes = value;
				case 'r' -> stampBytes = value;
				default -> {
				}
			}
		}
		if (originBytes == null || sequenceBytes == null || kindBytes == null || kindBytes.length == 0) {
			return false;
		}
		Kind kind = Kind.of(kindBytes);
		byte[] payload = kind.isClose() ? closeBytes : frameBytes;
		if (payload == null) {
			return false;
		}
		String origin = RedisKeys.string(originBytes);
		long sequence = Long.parseLong(RedisKeys.string(sequenceBytes));
		Long last = this.delivered.get(origin);
		if (last != null && sequence <= last) {
			return false;
		}
		this.delivered.put(origin, sequence);
		String target = (targetBytes != null) ? RedisKeys.string(targetBytes) : "";
		String exceptId = (exceptBytes != null && exceptBytes.length > 0) ? RedisKeys.string(exceptBytes) : null;
		String frame = RedisKeys.string(payload);
		Stamp stamp = (stampBytes != null && stampBytes.length > 0)
				? Stamp.of(frame, origin, Long.parseLong(RedisKeys.string(stampBytes))) : null;
		switch (kind) {
			case ALL -> this.local.toAll(frame, exceptId, stamp);
			case GROUP -> this.local.toGroup(target, frame, exceptId, stamp);
			case USER -> this.local.toUser(target, frame, exceptId, stamp);
			case CLIENT -> this.local.toClient(target, frame, stamp);
			case CLOSE_GROUP -> closeHere(origin, "group", target, frame);
			case CLOSE_USER -> closeHere(origin, "user", target, frame);
		}
		return true;
	}

	private void closeHere(String origin, String kind, String target, String field) {
		CloseStatus status = closeStatus(field);
		logger.info(LogMessage.format("Closing the connections of %s %s on this node, asked by node %s: %s", kind,
				target, origin, status));
		if (kind.equals("user")) {
			this.local.closeUser(target, status);
		}
		else {
			this.local.closeGroup(target, status);
		}
	}

	/**
	 * Forget the sequence numbers of a node that is gone.
	 * @param nodeId the node
	 */
	void forget(String nodeId) {
		this.delivered.remove(nodeId);
	}

	private void pause() {
		try {
			Thread.sleep(RETRY_DELAY.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	private record Outgoing(long sequence, Kind kind, String target, @Nullable String exceptId, String frame,
			long stamp) {
	}

	enum Kind {

		ALL("a"), GROUP("g"), USER("u"), CLIENT("c"), CLOSE_GROUP("G"), CLOSE_USER("U");

		final byte[] code;

		Kind(String code) {
			this.code = RedisKeys.bytes(code);
		}

		static Kind of(byte[] code) {
			return switch ((char) code[0]) {
				case 'g' -> GROUP;
				case 'u' -> USER;
				case 'c' -> CLIENT;
				case 'G' -> CLOSE_GROUP;
				case 'U' -> CLOSE_USER;
				default -> ALL;
			};
		}

		boolean isClose() {
			return this == CLOSE_GROUP || this == CLOSE_USER;
		}

	}

}

package dev.ambiorix.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.endpoint.Compression;
import dev.ambiorix.spring.protocol.JsonLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Validator;

/**
 * Configuration of the Ambiorix WebSocket endpoint.
 */
@ConfigurationProperties("ambiorix")
public class AmbiorixProperties implements Validator {

	private final Websocket websocket = new Websocket();

	private final Json json = new Json();

	private final Errors errors = new Errors();

	private final Cluster cluster = new Cluster();

	private final Recovery recovery = new Recovery();

	/**
	 * Check the rules that span properties, once all are bound.
	 */
	@Override
	public void validate(Object target, org.springframework.validation.Errors errors) {
		Duration ping = this.websocket.getPingInterval();
		Duration idle = this.websocket.getIdleTimeout();
		if (!ping.isZero() && !idle.isZero() && idle.compareTo(ping) <= 0) {
			errors.rejectValue("websocket.idleTimeout", "tooShort",
					"ambiorix.websocket.idle-timeout (" + idle + ") must exceed ambiorix.websocket.ping-interval ("
							+ ping + "), or live but quiet clients are dropped before they are pinged");
		}
	}

	@Override
	public boolean supports(Class<?> type) {
		return AmbiorixProperties.class.isAssignableFrom(type);
	}

	public Websocket getWebsocket() {
		return this.websocket;
	}

	public Json getJson() {
		return this.json;
	}

	public Errors getErrors() {
		return this.errors;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	public Recovery getRecovery() {
		return this.recovery;
	}

	/**
	 * The endpoint, its limits and its timers.
	 */
	public static class Websocket {

		/**
		 * Whether to enable the Ambiorix WebSocket endpoint, handlers and client script.
		 */
		private boolean enabled = true;

		/**
		 * Paths that accept WebSocket upgrades. "/" is where the genuine ambiorix.js
		 * connects; a plain GET of the same path still reaches the application.
		 */
		private List<String> paths = new ArrayList<>(List.of("/"));

		/**
		 * Origin patterns allowed to connect, such as "https://*.example.com". Empty
		 * allows same-origin browsers only. Clients that send no Origin header
		 * (non-browser clients) are always allowed.
		 */
		private List<String> allowedOriginPatterns = new ArrayList<>();

		/**
		 * Largest text message accepted, in UTF-8 bytes. A larger message closes the
		 * connection with 1009 (message too big).
		 */
		private DataSize maxTextMessageSize = DataSize.ofKilobytes(64);

		/**
		 * Longest one send to a client may take. A client that stays stuck longer is
		 * disconnected with 1008 so that it cannot hold memory or anyone else up.
		 */
		private Duration sendTimeLimit = Duration.ofSeconds(10);

		/**
		 * Most outbound data queued for one client, in UTF-8 bytes as on the wire. A
		 * client whose queue overflows is disconnected with 1008. A broadcast frame is
		 * one string shared by every queue, so this bounds how far one client may fall
		 * behind more than it bounds memory.
		 */
		private DataSize sendBufferSize = DataSize.ofMegabytes(4);

		/**
		 * Interval between server pings, which live clients answer. Zero disables pings.
		 */
		private Duration pingInterval = Duration.ofSeconds(25);

		/**
		 * Time without any frame (pongs included) from a client after which it is
		 * disconnected with 1001. Zero disables the check. Must exceed the ping interval,
		 * or idle but live clients are dropped.
		 */
		private Duration idleTimeout = Duration.ofSeconds(60);

		/**
		 * What the endpoint answers a client that offers permessage-deflate, as every
		 * browser does: "off" declines it; "context-takeover" accepts it as the
		 * containers do, each connection keeping its compression window between messages;
		 * "no-context-takeover" compresses each message on its own (on Jetty, a broadcast
		 * once for all its clients). Off by default: for chat-sized messages compression
		 * costs 2 to 4 times the server CPU per delivery and tens of kilobytes of native
		 * memory per connection, to save a few dozen bytes a message.
		 */
		private Compression compression = Compression.OFF;

		private final RateLimit rateLimit = new RateLimit();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			Assert.notEmpty(paths, "ambiorix.websocket.paths must not be empty");
			for (String path : paths) {
				Assert.isTrue(path.startsWith("/"),
						() -> "ambiorix.websocket.paths must start with '/', was '" + path + "'");
			}
			this.paths = paths;
		}

		public List<String> getAllowedOriginPatterns() {
			return this.allowedOriginPatterns;
		}

		public void setAllowedOriginPatterns(List<String> allowedOriginPatterns) {
			this.allowedOriginPatterns = allowedOriginPatterns;
		}

		public DataSize getMaxTextMessageSize() {
			return this.maxTextMessageSize;
		}

		public void setMaxTextMessageSize(DataSize maxTextMessageSize) {
			Assert.isTrue(maxTextMessageSize.toBytes() > 0,
					"ambiorix.websocket.max-text-message-size must be positive");
			this.maxTextMessageSize = maxTextMessageSize;
		}

		public Duration getSendTimeLimit() {
			return this.sendTimeLimit;
		}

		public void setSendTimeLimit(Duration sendTimeLimit) {
			Assert.isTrue(sendTimeLimit.toMillis() > 0, "ambiorix.websocket.send-time-limit must be positive");
			this.sendTimeLimit = sendTimeLimit;
		}

		public DataSize getSendBufferSize() {
			return this.sendBufferSize;
		}

		public void setSendBufferSize(DataSize sendBufferSize) {
			Assert.isTrue(sendBufferSize.toBytes() > 0, "ambiorix.websocket.send-buffer-size must be positive");
			this.sendBufferSize = sendBufferSize;
		}

		public Duration getPingInterval() {
			return this.pingInterval;
		}

		public void setPingInterval(Duration pingInterval) {
			Assert.isTrue(!pingInterval.isNegative(), "ambiorix.websocket.ping-interval must not be negative");
			this.pingInterval = pingInterval;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			Assert.isTrue(!idleTimeout.isNegative(), "ambiorix.websocket.idle-timeout must not be negative");
			this.idleTimeout = idleTimeout;
		}

		public Compression getCompression() {
			return this.compression;
		}

		public void setCompression(Compression compression) {
			this.compression = compression;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

	}

	/**
	 * An optional per-client limit on frames per second.
	 */
	public static class RateLimit {

		/**
		 * Frames a client may send per second on average; zero disables the limit. Frames
		 * over the limit are dropped and answered with a rate_limited error.
		 */
		private int messagesPerSecond;

		/**
		 * Frames a client may send at once before the rate applies. Zero means the same
		 * as messages-per-second.
		 */
		private int burst;

		/**
		 * Rate-limited frames a client may send within violation-window before it is
		 * closed with 1008 (policy violation); each is answered rate_limited first. Zero
		 * never closes.
		 */
		private int maxViolations = 10;

		/**
		 * The window in which max-violations rate-limited frames close the client.
		 */
		private Duration violationWindow = Duration.ofSeconds(10);

		public int getMessagesPerSecond() {
			return this.messagesPerSecond;
		}

		public void setMessagesPerSecond(int messagesPerSecond) {
			Assert.isTrue(messagesPerSecond >= 0,
					"ambiorix.websocket.rate-limit.messages-per-second must not be negative");
			this.messagesPerSecond = messagesPerSecond;
		}

		public int getBurst() {
			return this.burst;
		}

		public void setBurst(int burst) {
			Assert.isTrue(burst >= 0, "ambiorix.websocket.rate-limit.burst must not be negative");
			this.burst = burst;
		}

		public int getMaxViolations() {
			return this.maxViolations;
		}

		public void setMaxViolations(int maxViolations) {
			Assert.isTrue(maxViolations >= 0, "ambiorix.websocket.rate-limit.max-violations must not be negative");
			this.maxViolations = maxViolations;
		}

		public Duration getViolationWindow() {
			return this.violationWindow;
		}

		public void setViolationWindow(Duration violationWindow) {
			Assert.isTrue(!violationWindow.isNegative() && !violationWindow.isZero(),
					"ambiorix.websocket.rate-limit.violation-window must be positive");
			this.violationWindow = violationWindow;
		}

	}

	/**
	 * Bounds on parsing client frames, so that a hostile frame costs milliseconds.
	 */
	public static class Json {

		/**
		 * Deepest nesting of arrays and objects in a frame.
		 */
		private int maxNestingDepth = JsonLimits.DEFAULTS.maxNestingDepth();

		/**
		 * Longest string value in a frame, in characters.
		 */
		private int maxStringLength = JsonLimits.DEFAULTS.maxStringLength();

		/**
		 * Longest number in a frame, in characters.
		 */
		private int maxNumberLength = JsonLimits.DEFAULTS.maxNumberLength();

		/**
		 * Longest object key in a frame, in characters.
		 */
		private int maxNameLength = JsonLimits.DEFAULTS.maxNameLength();

		public int getMaxNestingDepth() {
			return this.maxNestingDepth;
		}

		public void setMaxNestingDepth(int maxNestingDepth) {
			Assert.isTrue(maxNestingDepth > 0, "ambiorix.json.max-nesting-depth must be positive");
			this.maxNestingDepth = maxNestingDepth;
		}

		public int getMaxStringLength() {
			return this.maxStringLength;
		}

		public void setMaxStringLength(int maxStringLength) {
			Assert.isTrue(maxStringLength > 0, "ambiorix.json.max-string-length must be positive");
			this.maxStringLength = maxStringLength;
		}

		public int getMaxNumberLength() {
			return this.maxNumberLength;
		}

		public void setMaxNumberLength(int maxNumberLength) {
			Assert.isTrue(maxNumberLength > 0, "ambiorix.json.max-number-length must be positive");
			this.maxNumberLength = maxNumberLength;
		}

		public int getMaxNameLength() {
			return this.maxNameLength;
		}

		public void setMaxNameLength(int maxNameLength) {
			Assert.isTrue(maxNameLength > 0, "ambiorix.json.max-name-length must be positive");
			this.maxNameLength = maxNameLength;
		}

	}

	/**
	 * What error envelopes tell clients.
	 */
	public static class Errors {

		/**
		 * Whether a handler_error carries the exception's message. Off by default: the
		 * client gets a generic detail and the server log gets the stack trace.
		 */
		private boolean includeExceptionMessage;

		public boolean isIncludeExceptionMessage() {
			return this.includeExceptionMessage;
		}

		public void setIncludeExceptionMessage(boolean includeExceptionMessage) {
			this.includeExceptionMessage = includeExceptionMessage;
		}

	}

	/**
	 * Groups, users and presence across nodes.
	 */
	public static class Cluster {

		/**
		 * How nodes share groups, users, presence and sends: "local" keeps everything in
		 * this node's memory; "redis" relays through the Redis of spring.data.redis.*.
		 */
		private Mode mode = Mode.LOCAL;

		/**
		 * Prefix of every Redis key, inside a hash tag: {prefix}:relay. Each further
		 * relay stream has a hash tag of its own (such as {prefix:2}:relay), so that
		 * Redis Cluster can put it on another shard. Two applications sharing one Redis
		 * need two prefixes.
		 */
		private String prefix = "ambiorix";

		/**
		 * Entries the relay stream keeps (trimmed approximately, XADD MAXLEN ~). A node
		 * whose reader falls further behind than this, or stays away longer, misses the
		 * trimmed envelopes.
		 */
		private long streamRetention = 100_000;

		/**
		 * Streams the relay spreads over, each with a hash tag of its own so that Redis
		 * Cluster can put them on different shards. Each node appends to one of them (so
		 * that its envelopes stay in order) and reads all of them. Retention applies to
		 * each stream.
		 */
		private int streams = 1;

		/**
		 * Most envelopes waiting to be written to Redis while it is unreachable. Beyond
		 * this, new envelopes for other nodes are dropped and counted as failed; this
		 * node's own clients still get them.
		 */
		private int relayBufferSize = 10_000;

		/**
		 * Interval at which each node refreshes its presence entry in Redis.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(5);

		/**
		 * How long after its last heartbeat a node counts as lost: its clients leave
		 * every count and member list, and the other nodes publish leave events for them.
		 */
		private Duration nodeTimeout = Duration.ofSeconds(15);

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			Assert.isTrue(!prefix.isEmpty() && prefix.indexOf('{') < 0 && prefix.indexOf('}') < 0,
					"ambiorix.cluster.prefix must be non-empty and contain no braces");
			this.prefix = prefix;
		}

		public long getStreamRetention() {
			return this.streamRetention;
		}

		public void setStreamRetention(long streamRetention) {
			Assert.isTrue(streamRetention > 0, "ambiorix.cluster.stream-retention must be positive");
			this.streamRetention = streamRetention;
		}

		public int getStreams() {
			return this.streams;
		}

		public void setStreams(int streams) {
			Assert.isTrue(streams >= 1 && streams <= 1024, "ambiorix.cluster.streams must be between 1 and 1024");
			this.streams = streams;
		}

		public int getRelayBufferSize() {
			return this.relayBufferSize;
		}

		public void setRelayBufferSize(int relayBufferSize) {
			Assert.isTrue(relayBufferSize > 0, "ambiorix.cluster.relay-buffer-size must be positive");
			this.relayBufferSize = relayBufferSize;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			Assert.isTrue(!heartbeatInterval.isNegative() && !heartbeatInterval.isZero(),
					"ambiorix.cluster.heartbeat-interval must be positive");
			this.heartbeatInterval = heartbeatInterval;
		}

		public Duration getNodeTimeout() {
			return this.nodeTimeout;
		}

		public void setNodeTimeout(Duration nodeTimeout) {
			Assert.isTrue(!nodeTimeout.isNegative() && !nodeTimeout.isZero(),
					"ambiorix.cluster.node-timeout must be positive");
			this.nodeTimeout = nodeTimeout;
		}

		/**
		 * Where groups, users and presence live.
		 */
		public enum Mode {

			/**
			 * In this node's memory: one node, nothing to install.
			 */
			LOCAL,

			/**
			 * Shared through Redis: several nodes.
			 */
			REDIS

		}

	}

	/**
	 * Recovery of clients that reconnect (for clients that ask for it with an
	 * ambiorix:hello).
	 */
	public static class Recovery {

		/**
		 * Whether clients may ask for recovery. When off, a hello is ignored and no
		 * envelope carries an offset.
		 */
		private boolean enabled = true;

		/**
		 * How long a client that is away may come back and recover its id, groups,
		 * presence and what it missed.
		 */
		private Duration window = Duration.ofMinutes(2);

		/**
		 * Most envelopes replayed to one returning client; a client that missed more
		 * starts fresh (reason "history_exceeded").
		 */
		private int maxReplay = 10_000;

		/**
		 * Envelopes the in-memory history of a single node keeps (with the Redis cluster,
		 * the relay stream is the history: ambiorix.cluster.stream-retention).
		 */
		private int historySize = 100_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			Assert.isTrue(!window.isNegative() && !window.isZero(), "ambiorix.recovery.window must be positive");
			this.window = window;
		}

		public int getMaxReplay() {
			return this.maxReplay;
		}

		public void setMaxReplay(int maxReplay) {
			Assert.isTrue(maxReplay >= 0, "ambiorix.recovery.max-replay must not be negative");
			this.maxReplay = maxReplay;
		}

		public int getHistorySize() {
			return this.historySize;
		}

		public void setHistorySize(int historySize) {
			Assert.isTrue(historySize > 0, "ambiorix.recovery.history-size must be positive");
			this.historySize = historySize;
		}

	}

}

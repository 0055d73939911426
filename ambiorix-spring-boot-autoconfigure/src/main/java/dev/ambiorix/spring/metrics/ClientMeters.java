package dev.ambiorix.spring.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.protocol.EnvelopeNames;
import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.session.AmbiorixMonitor;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.DropReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Counts connections, envelopes in and out, errors and dropped clients. Every tag value
 * comes from a bounded set: a name is a registered handler's, the protocol's own
 * ({@code ambiorix:error}, {@code ambiorix:pong}) or {@code unknown}, so no client can
 * create a tag value.
 */
final class ClientMeters implements AmbiorixMonitor {

	static final String UNKNOWN = "unknown";

	/** The protocol's own outbound names, which are tag values too. */
	static final Set<String> PROTOCOL_NAMES = Set.of(EnvelopeNames.ERROR, EnvelopeNames.PONG);

	private static final String NAME_PREFIX = "{\"name\":\"";

	/** Inbound outcomes: {@code ok}, {@code ignored}, then each error code. */
	private static final int OK = 0;

	private static final int IGNORED = 1;

	private static final int INBOUND_OUTCOMES = 2 + ErrorCode.values().length;

	private final MeterRegistry registry;

	private final HandlerRegistry handlers;

	private final Counter opened;

	private final Map<CloseClass, Counter> closed = new EnumMap<>(CloseClass.class);

	private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

	private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

	private final Counter outboundFrames;

	private final Counter outboundBytes;

	private final ConcurrentMap<String, Counter[]> inbound = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Counter[]> outbound = new ConcurrentHashMap<>();

	/** The last frame's name tag: a broadcast offers the same frame to every client. */
	private volatile FrameName lastFrame;

	/**
	 * Create the meters and register those that do not depend on names.
	 * @param registry where the meters live
	 * @param handlers the registered handlers, whose names are the only name tags
	 */
	public ClientMeters(MeterRegistry registry, HandlerRegistry handlers) {
		this.registry = registry;
		this.handlers = handlers;
		this.opened = Counter.builder("ambiorix.connections.opened")
			.description("WebSocket clients that connected")
			.register(registry);
		for (CloseClass closeClass : CloseClass.values()) {
			this.closed.put(closeClass,
					Counter.builder("ambiorix.connections.closed")
						.description("WebSocket clients whose connection closed, by class of close code")
						.tag("close", closeClass.tag)
						.register(registry));
		}
		for (ErrorCode code : ErrorCode.values()) {
			this.errors.put(code,
					Counter.builder("ambiorix.errors")
						.description("Error envelopes sent to clients, by error code")
						.tag("code", code.wireCode())
						.register(registry));
		}
		for (DropReason reason : DropReason.values()) {
			this.dropped.put(reason,
					Counter.builder("ambiorix.outbound.dropped")
						.description("Clients disconnected by their outbound queue: slow (not reading) or broken")
						.tag("reason", reason.tag())
						.register(registry));
		}
		this.outboundFrames = Counter.builder("ambiorix.outbound.frames")
			.description("Frames queued to clients")
			.register(registry);
		this.outboundBytes = Counter.builder("ambiorix.outbound.bytes")
			.description("UTF-8 bytes of the frames queued to clients")
			.baseUnit("bytes")
			.register(registry);
		this.lastFrame = new FrameName("", null, UNKNOWN,
				this.outbound.computeIfAbsent(UNKNOWN, (key) -> new Counter[2]));
	}

	@Override
	public void connected(ClientConnection client) {
		this.opened.increment();
	}

	@Override
	public void closed(ClientConnection client, CloseStatus status) {
		counter(this.closed, CloseClass.of(status.getCode())).increment();
	}

	@Override
	public void handled(String name) {
		inbound(name, OK);
	}

	@Override
	public void ignored() {
		inbound(null, IGNORED);
	}

	@Override
	public void rejected(@Nullable String name, ErrorCode code) {
		counter(this.errors, code).increment();
		inbound(name, 2 + code.ordinal());
	}

	@Override
	public void outbound(String frame, int bytes, boolean queued) {
		FrameName frameName = nameOf(frame);
		String name = frameName.tag;
		Counter[] counters = frameName.counters;
		int outcome = queued ? 0 : 1;
		Counter counter = counters[outcome];
		if (counter == null) {
			counter = messages(name, "outbound", queued ? "queued" : "dropped");
			counters[outcome] = counter;
		}
		counter.increment();
		if (queued) {
			this.outboundFrames.increment();
			this.outboundBytes.increment(bytes);
		}
	}

	@Override
	public void dropped(ClientConnection client, DropReason reason) {
		counter(this.dropped, reason).increment();
	}

	/**
	 * Every key has its counter from the start: the maps are filled for each enum value.
	 */
	private static <K> Counter counter(Map<K, Counter> counters, K key) {
		return Objects.requireNonNull(counters.get(key), "no counter");
	}

	private void inbound(@Nullable String name, int outcome) {
		// The keys are tags: a registered name, or "unknown", which is its own tag.
		Counter[] counters = null;
		String tag = UNKNOWN;
		if (name != null) {
			counters = this.inbound.get(name);
			tag = name;
		}
		if (counters == null) {
			tag = tagFor(name);
			counters = this.inbound.computeIfAbsent(tag, (key) -> new Counter[INBOUND_OUTCOMES]);
		}
		Counter counter = counters[outcome];
		if (counter == null) {
			counter = messages(tag, "inbound", inboundOutcome(outcome));
			counters[outcome] = counter;
		}
		counter.increment();
	}

	private static String inboundOutcome(int outcome) {
		if (outcome == OK) {
			return "ok";
		}
		return (outcome == IGNORED) ? "ignored" : ErrorCode.values()[outcome - 2].wireCode();
	}

	private Counter messages(String name, String direction, String outcome) {
		// Racing threads may both get here: the registry returns the same counter.
		return Counter.builder("ambiorix.messages")
			.description("Envelopes received from and queued to clients")
			.tag("direction", direction)
			.tag("name", name)
			.tag("outcome", outcome)
			.register(this.registry);
	}

	private String tagFor(@Nullable String name) {
		return (name != null && this.handlers.find(name) != null) ? name : UNKNOWN;
	}

	/**
	 * Read the name tag of a frame we wrote: its first key is the name. A broadcast
	 * offers one frame to every client, and replies of one handler carry the same name,
	 * so the last frame's name is tried first, without a substring or a lookup.
	 */
	private FrameName nameOf(String frame) {
		FrameName last = this.lastFrame;
		if (last.frame == frame || last.isNameOf(frame)) {
			return last;
		}
		String name = null;
		String tag = UNKNOWN;
		if (frame.startsWith(NAME_PREFIX)) {
			int end = frame.indexOf('"', NAME_PREFIX.length());
			if (end > 0) {
				name = frame.substring(NAME_PREFIX.length(), end);
				tag = PROTOCOL_NAMES.contains(name) ? name : tagFor(name);
			}
		}
		FrameName frameName = new FrameName(frame, name, tag,
				this.outbound.computeIfAbsent(tag, (key) -> new Counter[2]));
		this.lastFrame = frameName;
		return frameName;
	}

	/**
	 * A frame, the name read from it ({@code null} when it has none), its tag and the
	 * tag's counters.
	 */
	private record FrameName(String frame, @Nullable String name, String tag, Counter[] counters) {

		boolean isNameOf(String other) {
			String name = this.name;
			if (name == null) {
				return false;
			}
			int end = NAME_PREFIX.length() + name.length();
			return other.length() > end && other.charAt(end) == '"' && other.startsWith(NAME_PREFIX)
					&& other.startsWith(name, NAME_PREFIX.length());
		}

	}

	/**
	 * Close codes in a few classes, so that a client choosing its own code cannot create
	 * a tag value.
	 */
	enum CloseClass {

		NORMAL("normal"), GOING_AWAY("going_away"), POLICY("policy"), TOO_BIG("too_big"), ERROR("error"),
		ABNORMAL("abnormal");

		private final String tag;

		CloseClass(String tag) {
			this.tag = tag;
		}

		static CloseClass of(int code) {
			return switch (code) {
				// 1005: the close frame carried no code.
				case 1000, 1005 -> NORMAL;
				case 1001 -> GOING_AWAY;
				case 1008 -> POLICY;
				case 1009 -> TOO_BIG;
				// 1006: no close frame at all; the connection just went.
				case 1006 -> ABNORMAL;
				default -> ERROR;
			};
		}

	}

}

package dev.ambiorix.spring.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The rules for envelope names, shared by the frame reader and handler discovery.
 */
public final class EnvelopeNames {

	/** The longest name, in {@code String.length()} characters. */
	public static final int MAX_LENGTH = 256;

	/** Names with this prefix belong to the protocol itself. */
	public static final String RESERVED_PREFIX = "ambiorix:";

	/** The name of error envelopes. */
	public static final String ERROR = RESERVED_PREFIX + "error";

	/** A client's heartbeat probe, which browsers send since they cannot send pings. */
	public static final String PING = RESERVED_PREFIX + "ping";

	/** The answer to {@link #PING}, with the probe's id. */
	public static final String PONG = RESERVED_PREFIX + "pong";

	private EnvelopeNames() {
	}

	/**
	 * Say what is wrong with the name of a frame from a client: as {@link #problem}, but
	 * the protocol's own frames a client may send are fine.
	 * @param name the candidate name
	 * @return why the name is invalid, or {@code null} if it is fine
	 */
	public static @Nullable String problemInFrame(String name) {
		return PING.equals(name) ? null : problem(name);
	}

	/**
	 * Say what is wrong with a name.
	 * @param name the candidate name
	 * @return why the name is invalid, or {@code null} if it is fine
	 */
	public static @Nullable String problem(String name) {
		if (name.isEmpty()) {
			return "name must not be empty";
		}
		if (name.length() > MAX_LENGTH) {
			return "name must be at most " + MAX_LENGTH + " characters, was " + name.length();
		}
		if (name.startsWith(RESERVED_PREFIX)) {
			return "names starting with '" + RESERVED_PREFIX + "' are reserved";
		}
		return null;
	}

}

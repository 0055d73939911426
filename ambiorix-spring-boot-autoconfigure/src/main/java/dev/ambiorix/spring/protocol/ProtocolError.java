package dev.ambiorix.spring.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An error to send back to the offending client as an {@code ambiorix:error} envelope.
 *
 * @param code the error code
 * @param detail a human-readable explanation, safe to show to the client
 * @param name the envelope name the error is about, when known
 * @param id the request id to echo, when the frame carried a valid one
 */
public record ProtocolError(ErrorCode code, String detail, @Nullable String name,
		@Nullable JsonNode id) implements InboundFrame {

	/**
	 * Create an error that is not about a known name or id.
	 * @param code the error code
	 * @param detail the explanation
	 * @return the error
	 */
	public static ProtocolError of(ErrorCode code, String detail) {
		return new ProtocolError(code, detail, null, null);
	}

	/**
	 * Create an error about an envelope.
	 * @param code the error code
	 * @param detail the explanation
	 * @param envelope the envelope whose name and id the error carries
	 * @return the error
	 */
	public static ProtocolError about(ErrorCode code, String detail, Envelope envelope) {
		return new ProtocolError(code, detail, envelope.name(), envelope.id());
	}

}

package dev.ambiorix.spring.protocol;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A valid client envelope.
 *
 * @param name the routing key, valid and not reserved
 * @param message the payload; a {@code NullNode} when absent
 * @param id the request id (a string or number node), or {@code null} when no reply is
 * asked for by id
 * @param traceparent the W3C trace context the client sent, or {@code null}
 */
public record Envelope(String name, JsonNode message, @Nullable JsonNode id,
		@Nullable String traceparent) implements InboundFrame {

	/**
	 * Create an envelope without trace context.
	 * @param name the routing key
	 * @param message the payload
	 * @param id the request id, or {@code null}
	 */
	public Envelope(String name, JsonNode message, @Nullable JsonNode id) {
		this(name, message, id, null);
	}

}

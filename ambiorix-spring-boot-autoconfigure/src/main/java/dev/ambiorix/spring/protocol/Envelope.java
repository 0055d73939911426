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
 */
public record Envelope(String name, JsonNode message, @Nullable JsonNode id) implements InboundFrame {

}

package dev.ambiorix.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Writes and reads envelopes exactly as protocol version 1 has them: keys {@code name},
 * {@code message}, {@code isAmbiorix}, and {@code id} last on requests only. Thread-safe.
 */
final class EnvelopeCodec {

	static final String ERROR_NAME = "ambiorix:error";

	private final JsonMapper mapper;

	EnvelopeCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	JsonMapper mapper() {
		return this.mapper;
	}

	String write(String name, @Nullable Object message, @Nullable Long id) {
		Map<String, @Nullable Object> envelope = new LinkedHashMap<>();
		envelope.put("name", name);
		envelope.put("message", message);
		envelope.put("isAmbiorix", true);
		if (id != null) {
			envelope.put("id", id);
		}
		return this.mapper.writeValueAsString(envelope);
	}

	/**
	 * Read a frame from the server.
	 * @param text the frame
	 * @return the envelope, or {@code null} for anything that is not one: not JSON, not
	 * an object, without {@code "isAmbiorix": true} or without a string name; Ambiorix's
	 * own client ignores those too
	 */
	@Nullable Inbound read(String text) {
		JsonNode node;
		try {
			node = this.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			return null;
		}
		if (node == null || !node.isObject()) {
			return null;
		}
		JsonNode flag = node.get("isAmbiorix");
		JsonNode name = node.get("name");
		if (flag == null || !flag.isBoolean() || !flag.booleanValue() || name == null || !name.isString()) {
			return null;
		}
		JsonNode message = node.get("message");
		JsonNode id = node.get("id");
		JsonNode offset = node.get("offset");
		return new Inbound(name.stringValue(), (message != null) ? message : NullNode.getInstance(),
				(id != null && !id.isNull()) ? id : null,
				(offset != null && offset.isString()) ? offset.stringValue() : null);
	}

	AmbiorixErrorException error(JsonNode message) {
		return new AmbiorixErrorException(text(message, "code", "unknown"), text(message, "detail", ""),
				textOrNull(message.get("name")));
	}

	private static String text(JsonNode message, String key, String fallback) {
		String value = textOrNull(message.get(key));
		return (value != null) ? value : fallback;
	}

	private static @Nullable String textOrNull(@Nullable JsonNode node) {
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	/**
	 * An envelope from the server.
	 *
	 * @param name the name
	 * @param message the message, a {@code NullNode} when absent
	 * @param id the id, present on replies to requests only
	 * @param offset the recovery offset, {@code <node>:<number>}, present for clients
	 * that asked for recovery
	 */
	record Inbound(String name, JsonNode message, @Nullable JsonNode id, @Nullable String offset) {

		boolean isError() {
			return ERROR_NAME.equals(this.name);
		}

		/**
		 * Return the id as one of ours, a counter value.
		 * @return the id, or {@code null} if it is not a number we could have sent
		 */
		@Nullable Long requestId() {
			JsonNode id = this.id;
			return (id != null && id.isIntegralNumber() && id.canConvertToLong()) ? id.longValue() : null;
		}

	}

}

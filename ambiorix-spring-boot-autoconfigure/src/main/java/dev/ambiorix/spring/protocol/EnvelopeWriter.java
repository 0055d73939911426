package dev.ambiorix.spring.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.ambiorix.spring.WebSocketClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * Writes envelopes as JSON text with keys in Ambiorix's order, {@code name},
 * {@code message}, {@code isAmbiorix}, then {@code id} on replies. Thread-safe.
 * <p>
 * The message is serialized with the application's mapper, so its modules and naming
 * apply to the payload but never to the envelope's own keys. The text returned is always
 * encodable as UTF-8.
 */
public final class EnvelopeWriter {

	private final JsonMapper mapper;

	/**
	 * Create a writer around the application's mapper.
	 * @param applicationMapper the mapper whose configuration serializes messages
	 */
	public EnvelopeWriter(JsonMapper applicationMapper) {
		this.mapper = applicationMapper.rebuild()
			.disable(SerializationFeature.INDENT_OUTPUT)
			.disable(SerializationFeature.WRAP_ROOT_VALUE)
			.addModule(new SimpleModule("ambiorix-envelope").addSerializer(Outbound.class, new OutboundSerializer()))
			.build();
	}

	/**
	 * Write an envelope.
	 * @param name the envelope name
	 * @param message the message, any value the application's mapper can serialize
	 * @return the frame text
	 */
	public String write(String name, @Nullable Object message) {
		return write(name, message, null);
	}

	/**
	 * Write a reply envelope.
	 * @param name the envelope name
	 * @param message the message
	 * @param id the id of the request being answered, or {@code null}
	 * @return the frame text
	 */
	public String write(String name, @Nullable Object message, @Nullable JsonNode id) {
		return LoneSurrogates.escape(this.mapper.writeValueAsString(new Outbound(name, message, id)));
	}

	/**
	 * Convert a presence value to a JSON tree with the application's mapper.
	 * @param presence the value
	 * @return the tree
	 * @throws IllegalArgumentException if its JSON is longer than
	 * {@link WebSocketClient#MAX_PRESENCE_LENGTH}
	 */
	public JsonNode presence(Object presence) {
		JsonNode tree = this.mapper.valueToTree(presence);
		int length = this.mapper.writeValueAsString(tree).length();
		if (length > WebSocketClient.MAX_PRESENCE_LENGTH) {
			throw new IllegalArgumentException("A presence value must have at most "
					+ WebSocketClient.MAX_PRESENCE_LENGTH + " characters of JSON, not " + length);
		}
		return tree;
	}

	/**
	 * Write an {@code ambiorix:error} envelope.
	 * @param error the error
	 * @return the frame text
	 */
	public String writeError(ProtocolError error) {
		Map<String, Object> body = new LinkedHashMap<>(4);
		body.put("code", error.code().wireCode());
		body.put("detail", error.detail());
		if (error.name() != null) {
			body.put("name", error.name());
		}
		return write(EnvelopeNames.ERROR, body, error.id());
	}

	private record Outbound(String name, @Nullable Object message, @Nullable JsonNode id) {
	}

	private static final class OutboundSerializer extends ValueSerializer<Outbound> {

		@Override
		public void serialize(Outbound envelope, JsonGenerator gen, SerializationContext context) {
			gen.writeStartObject();
			gen.writeStringProperty("name", envelope.name());
			gen.writeName("message");
			context.writeValue(gen, envelope.message());
			gen.writeBooleanProperty("isAmbiorix", true);
			if (envelope.id() != null) {
				gen.writeName("id");
				gen.writeTree(envelope.id());
			}
			gen.writeEndObject();
		}

	}

}

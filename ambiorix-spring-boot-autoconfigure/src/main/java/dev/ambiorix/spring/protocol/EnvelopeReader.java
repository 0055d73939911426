package dev.ambiorix.spring.protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.NumericNode;
import tools.jackson.databind.node.ValueNode;

/**
 * Reads one client text frame into an {@link InboundFrame}, classifying every way it can
 * be wrong. Thread-safe.
 * <p>
 * Parsing is strict and bounded whatever the application's own mapper allows: no
 * comments, NaN or single quotes; duplicate keys and trailing data are errors; depth and
 * lengths are capped by {@link JsonLimits}.
 */
public final class EnvelopeReader {

	/**
	 * Longest {@code traceparent} kept: version 00 has 55 characters, later versions may
	 * append fields.
	 */
	static final int MAX_TRACEPARENT_LENGTH = 256;

	/** How many characters at each end of a frame {@link #unparsedError} looks at. */
	private static final int ENDS = 400;

	private static final Pattern LEADING_NAME = Pattern
		.compile("\\s*\\{\\s*\"name\"\\s*:\\s*\"([^\"\\\\\\x00-\\x1F]{1," + EnvelopeNames.MAX_LENGTH + "})\"");

	private static final Pattern TRAILING_ID = Pattern
		.compile("[{,]\\s*\"id\"\\s*:\\s*(\"[^\"\\\\\\x00-\\x1F]{0,128}\"|-?(?:0|[1-9][0-9]{0,17}))\\s*}\\s*$");

	private final JsonMapper strictMapper;

	/**
	 * Create a reader with the given limits.
	 * @param limits the parser bounds
	 */
	public EnvelopeReader(JsonLimits limits) {
		StreamReadConstraints constraints = StreamReadConstraints.builder()
			.maxNestingDepth(limits.maxNestingDepth())
			.maxStringLength(limits.maxStringLength())
			.maxNumberLength(limits.maxNumberLength())
			.maxNameLength(limits.maxNameLength())
			.build();
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(constraints)
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.build();
		// We check for trailing data ourselves, after the envelope's own parse.
		this.strictMapper = JsonMapper.builder(factory)
			.nodeFactory(new FiniteNumberNodeFactory())
			.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.build();
	}

	/**
	 * Read a frame.
	 * @param text the frame's text
	 * @return the envelope, the error to answer, or {@link NotForUs}
	 */
	public InboundFrame read(String text) {
		try (JsonParser parser = this.strictMapper.createParser(text)) {
			return read(parser);
		}
		catch (StreamConstraintsException ex) {
			return ProtocolError.of(ErrorCode.INVALID_JSON, "frame exceeds a parser limit: " + describe(ex));
		}
		catch (JacksonException ex) {
			return ProtocolError.of(ErrorCode.INVALID_JSON, "frame is not valid JSON: " + describe(ex));
		}
	}

	/**
	 * Make an error about a frame that is not to be parsed (over the rate limit), naming
	 * the frame's name and id when they can be read off its two ends at a fixed cost: the
	 * name as the first field and the id as the last, as {@code ambiorix.js} and our
	 * clients write them, both without escapes. Otherwise the error carries neither.
	 * @param code the error code
	 * @param detail the explanation
	 * @param text the frame's text, which is not parsed
	 * @return the error
	 */
	public ProtocolError unparsedError(ErrorCode code, String detail, String text) {
		Matcher name = LEADING_NAME.matcher(text);
		name.region(0, Math.min(text.length(), ENDS));
		Matcher id = TRAILING_ID.matcher(text);
		id.region(Math.max(0, text.length() - ENDS), text.length());
		return new ProtocolError(code, detail, name.lookingAt() ? name.group(1) : null,
				id.find() ? idNode(id.group(1)) : null);
	}

	private @Nullable JsonNode idNode(String token) {
		JsonNodeFactory nodes = this.strictMapper.getNodeFactory();
		if (token.startsWith("\"")) {
			return nodes.stringNode(token.substring(1, token.length() - 1));
		}
		try {
			return nodes.numberNode(Long.parseLong(token));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static String describe(JacksonException ex) {
		// Drop Jackson's pointers to its own configuration, which mean nothing to a
		// client.
		String message = ex.getOriginalMessage().replaceAll(",? \\(?from `[^`]*`\\)?", "");
		TokenStreamLocation location = ex.getLocation();
		if (location != null && location.getColumnNr() > 0) {
			message += " at column " + location.getColumnNr();
		}
		return message;
	}

	private InboundFrame read(JsonParser parser) {
		JsonToken first = parser.nextToken();
		if (first == null) {
			return ProtocolError.of(ErrorCode.INVALID_JSON, "frame is empty");
		}
		if (first != JsonToken.START_OBJECT) {
			parser.skipChildren();
			requireEnd(parser);
			return ProtocolError.of(ErrorCode.INVALID_ENVELOPE, "envelope must be a JSON object");
		}
		Fields fields = new Fields();
		for (String key = parser.nextName(); key != null; key = parser.nextName()) {
			JsonToken token = parser.nextToken();
			switch (key) {
				case "name" -> fields.name(parser, token);
				case "message" -> fields.message = readValue(parser);
				case "isAmbiorix" -> fields.isAmbiorix = (token == JsonToken.VALUE_TRUE);
				case "id" -> fields.id(parser, token, this.strictMapper);
				case "traceparent" -> fields.traceparent(parser, token);
				default -> {
				}
			}
			// Values we did not read (objects and arrays) are still parsed, so every
			// syntax error and duplicate key anywhere in the frame is found.
			parser.skipChildren();
		}
		requireEnd(parser);
		return fields.classify();
	}

	private JsonNode readValue(JsonParser parser) {
		return this.strictMapper.readTree(parser);
	}

	private static void requireEnd(JsonParser parser) {
		if (parser.nextToken() != null) {
			throw new TrailingDataException(parser);
		}
	}

	/**
	 * Refuses numbers beyond the range of a double, such as {@code 1e999999999}: read as
	 * infinity, they would reach handlers as a value the client never sent, and go back
	 * out as the string {@code "Infinity"}.
	 */
	private static final class FiniteNumberNodeFactory extends JsonNodeFactory {

		@Override
		public NumericNode numberNode(double value) {
			return super.numberNode(requireFinite(value));
		}

		@Override
		public ValueNode numberNode(@Nullable Double value) {
			return super.numberNode((value != null) ? requireFinite(value) : null);
		}

		@Override
		public NumericNode numberNode(float value) {
			return super.numberNode((float) requireFinite(value));
		}

		@Override
		public ValueNode numberNode(@Nullable Float value) {
			return super.numberNode((value != null) ? (float) requireFinite(value) : null);
		}

		private static double requireFinite(double value) {
			if (!Double.isFinite(value)) {
				throw new StreamConstraintsException("number is out of the range of a double");
			}
			return value;
		}

	}

	/**
	 * The envelope's own fields as the parser meets them: scalars are read straight off
	 * the parser, and only the message becomes a tree.
	 */
	private static final class Fields {

		private @Nullable String name;

		private @Nullable String nameProblem = "name is missing";

		private @Nullable JsonNode message;

		private boolean isAmbiorix;

		private @Nullable JsonNode id;

		private boolean idInvalid;

		private @Nullable String traceparent;

		void name(JsonParser parser, JsonToken token) {
			if (token == JsonToken.VALUE_STRING) {
				this.name = parser.getString();
				this.nameProblem = null;
			}
			else {
				this.name = null;
				this.nameProblem = (token == JsonToken.VALUE_NULL) ? "name is missing" : "name must be a string";
			}
		}

		void id(JsonParser parser, JsonToken token, JsonMapper mapper) {
			this.id = null;
			this.idInvalid = false;
			if (token == JsonToken.VALUE_STRING) {
				this.id = mapper.getNodeFactory().stringNode(parser.getString());
			}
			else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
				// Through the node factory, which refuses numbers beyond a double's
				// range.
				this.id = mapper.readTree(parser);
			}
			else if (token != JsonToken.VALUE_NULL) {
				this.idInvalid = true;
			}
		}

		/**
		 * Keep a string of plausible length; anything else is ignored, as W3C Trace
		 * Context asks of a traceparent that does not parse: the trace starts afresh.
		 */
		void traceparent(JsonParser parser, JsonToken token) {
			this.traceparent = null;
			if (token == JsonToken.VALUE_STRING) {
				String value = parser.getString();
				if (value.length() <= MAX_TRACEPARENT_LENGTH) {
					this.traceparent = value;
				}
			}
		}

		InboundFrame classify() {
			if (!this.isAmbiorix) {
				return NotForUs.INSTANCE;
			}
			if (this.idInvalid) {
				return ProtocolError.of(ErrorCode.INVALID_ENVELOPE, "id must be a string or a number");
			}
			String name = this.name;
			if (name == null) {
				return new ProtocolError(ErrorCode.INVALID_ENVELOPE,
						(this.nameProblem != null) ? this.nameProblem : "name is missing", null, this.id);
			}
			String problem = EnvelopeNames.problemInFrame(name);
			if (problem != null) {
				// An empty or over-long name is not echoed back: it is the problem.
				String echoed = (!name.isEmpty() && name.length() <= EnvelopeNames.MAX_LENGTH) ? name : null;
				return new ProtocolError(ErrorCode.INVALID_ENVELOPE, problem, echoed, this.id);
			}
			JsonNode message = this.message;
			return new Envelope(name, (message != null) ? message : NullNode.getInstance(), this.id, this.traceparent);
		}

	}

	/**
	 * Data after the envelope's closing brace.
	 */
	private static final class TrailingDataException extends tools.jackson.core.exc.StreamReadException {

		TrailingDataException(JsonParser parser) {
			super(parser, "trailing data after the JSON value");
		}

	}

}

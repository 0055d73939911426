package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import java.lang.annotation.Annotation;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.validation.annotation.ValidationAnnotationUtils;

/**
 * Converts an envelope's message to a handler's declared parameter type with the
 * application's Jackson mapper, generics included, and validates it when asked.
 */
public final class PayloadConverter {

	/** How Jackson quotes a Java type in its messages. */
	private static final Pattern CLASS_NAME = Pattern.compile("`[^`]*`");

	private final JsonMapper mapper;

	private final PayloadValidator validator;

	private final boolean includeExceptionMessage;

	/**
	 * Create a converter that never tells a client what a payload type's constructor
	 * threw.
	 * @param mapper the application's mapper
	 * @param validator validates parameters annotated {@code @Valid} or
	 * {@code @Validated}
	 */
	public PayloadConverter(JsonMapper mapper, PayloadValidator validator) {
		this(mapper, validator, false);
	}

	/**
	 * Create a converter.
	 * @param mapper the application's mapper
	 * @param validator validates parameters annotated {@code @Valid} or
	 * {@code @Validated}
	 * @param includeExceptionMessage whether the message of an exception thrown by a
	 * payload type's constructor reaches the client (as
	 * {@code ambiorix.errors.include-exception-message} says for handlers)
	 */
	public PayloadConverter(JsonMapper mapper, PayloadValidator validator, boolean includeExceptionMessage) {
		this.mapper = mapper;
		this.validator = validator;
		this.includeExceptionMessage = includeExceptionMessage;
	}

	ArgumentResolver resolverFor(MethodParameter parameter) {
		JavaType type = this.mapper.getTypeFactory()
			.constructType(ResolvableType.forMethodParameter(parameter).getType());
		ObjectReader reader = this.mapper.readerFor(type);
		Object[] hints = validationHints(parameter);
		Class<?> parameterType = parameter.getParameterType();
		// A tree parameter takes the parsed message as it is: converting a tree to a tree
		// copies it node by node, most of the cost of routing a frame.
		boolean treeParameter = JsonNode.class.isAssignableFrom(parameterType);
		boolean primitive = parameterType.isPrimitive();
		String typeName = parameterType.getSimpleName();
		return (context) -> {
			JsonNode message = context.envelope().message();
			Object value;
			try {
				value = (treeParameter && !message.isNull() && parameterType.isInstance(message)) ? message
						: reader.readValue(message);
			}
			catch (InvalidDefinitionException ex) {
				// The type cannot be read at all: the server's fault, a handler_error.
				throw ex;
			}
			catch (JacksonException ex) {
				throw new InvalidMessageException(describe(ex, this.includeExceptionMessage));
			}
			if (value == null) {
				if (primitive) {
					throw new InvalidMessageException("message: expected " + typeName + ", was null");
				}
				return null;
			}
			if (hints != null) {
				this.validator.validate(parameter, hints, value);
			}
			return value;
		};
	}

	private static Object @Nullable [] validationHints(MethodParameter parameter) {
		for (Annotation annotation : parameter.getParameterAnnotations()) {
			Object[] hints = ValidationAnnotationUtils.determineValidationHints(annotation);
			if (hints != null) {
				return hints;
			}
		}
		return null;
	}

	/**
	 * Say what did not convert, by field path, without exposing Java class names.
	 */
	static String describe(JacksonException ex, boolean includeExceptionMessage) {
		String path = path(ex.getPath());
		String reason;
		if (ex instanceof UnrecognizedPropertyException) {
			reason = "unknown field";
		}
		else if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			reason = "expected " + friendlyName(mismatch.getTargetType());
		}
		else if (ex instanceof ValueInstantiationException) {
			// The type's constructor refused the value: its message is the application's
			// and, like a handler's, reaches the client only when configured.
			Throwable cause = ex.getCause();
			String message = (cause != null) ? cause.getMessage() : null;
			reason = (includeExceptionMessage && message != null) ? message : "invalid value";
		}
		else {
			String message = ex.getOriginalMessage();
			int newline = message.indexOf('\n');
			reason = CLASS_NAME.matcher((newline < 0) ? message : message.substring(0, newline)).replaceAll("a value");
		}
		return (path.isEmpty() ? "message" : path) + ": " + reason;
	}

	private static String path(List<JacksonException.Reference> references) {
		return references.stream().map((reference) -> {
			String property = reference.getPropertyName();
			return (property != null) ? "." + property : "[" + reference.getIndex() + "]";
		}).collect(Collectors.joining()).replaceFirst("^\\.", "");
	}

	private static String friendlyName(Class<?> type) {
		if (type.isArray() || Iterable.class.isAssignableFrom(type)) {
			return "an array";
		}
		if (type == String.class || type == char.class || type == Character.class) {
			return "a string";
		}
		if (type == boolean.class || type == Boolean.class) {
			return "a boolean";
		}
		if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
			return "a number (" + type.getSimpleName() + ")";
		}
		return "an object (" + type.getSimpleName() + ")";
	}

}

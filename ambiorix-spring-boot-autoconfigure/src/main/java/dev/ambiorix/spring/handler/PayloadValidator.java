package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import org.springframework.core.MethodParameter;

/**
 * Validates converted messages of parameters that ask for it ({@code @Valid} or
 * {@code @Validated}).
 */
public interface PayloadValidator {

	/** Used when no Bean Validation provider is present: validates nothing. */
	PayloadValidator NONE = (parameter, hints, payload) -> {
	};

	/**
	 * Validate a converted message.
	 * @param parameter the handler parameter
	 * @param hints the validation groups from the annotation, empty for the default
	 * @param payload the converted message, not {@code null}
	 * @throws InvalidMessageException naming each violation with its field path
	 */
	void validate(MethodParameter parameter, Object[] hints, Object payload);

}

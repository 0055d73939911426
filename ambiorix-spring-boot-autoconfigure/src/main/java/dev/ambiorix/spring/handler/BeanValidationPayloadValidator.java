package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.springframework.core.MethodParameter;

/**
 * Validates messages with a Jakarta Bean Validation {@link Validator}. Elements of a
 * collection are validated one by one, with their index in the field path.
 */
public final class BeanValidationPayloadValidator implements PayloadValidator {

	private final Validator validator;

	/**
	 * Create a validator.
	 * @param validator the Bean Validation validator
	 */
	public BeanValidationPayloadValidator(Validator validator) {
		this.validator = validator;
	}

	@Override
	public void validate(MethodParameter parameter, Object[] hints, Object payload) {
		Class<?>[] groups = groups(hints);
		List<String> problems = new ArrayList<>();
		if (payload instanceof Collection<?> elements) {
			int index = 0;
			for (Object element : elements) {
				if (element != null) {
					collect(this.validator.validate(element, groups), "[" + index + "]", problems);
				}
				index++;
			}
		}
		else {
			collect(this.validator.validate(payload, groups), "", problems);
		}
		if (!problems.isEmpty()) {
			throw new InvalidMessageException(problems.stream().sorted().collect(Collectors.joining("; ")));
		}
	}

	private static void collect(Set<? extends ConstraintViolation<?>> violations, String prefix,
			List<String> problems) {
		for (ConstraintViolation<?> violation : violations) {
			String path = violation.getPropertyPath().toString();
			String field = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
			problems.add((field.isEmpty() ? "message" : field) + ": " + violation.getMessage());
		}
	}

	private static Class<?>[] groups(Object[] hints) {
		List<Class<?>> groups = new ArrayList<>();
		for (Object hint : hints) {
			if (hint instanceof Class<?> group) {
				groups.add(group);
			}
		}
		return groups.toArray(new Class<?>[0]);
	}

}

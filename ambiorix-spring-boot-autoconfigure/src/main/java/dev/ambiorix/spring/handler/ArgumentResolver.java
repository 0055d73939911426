package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.InvalidMessageException;
import org.jspecify.annotations.Nullable;

/**
 * Produces one handler argument; chosen once per parameter at startup.
 */
@FunctionalInterface
interface ArgumentResolver {

	/**
	 * Resolve the argument.
	 * @param context the invocation
	 * @return the argument
	 * @throws InvalidMessageException when the message does not convert or validate
	 */
	@Nullable Object resolve(InvocationContext context);

}

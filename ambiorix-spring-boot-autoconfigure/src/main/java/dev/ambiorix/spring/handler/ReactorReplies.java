package dev.ambiorix.spring.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.util.ClassUtils;

/**
 * Handlers that return Reactor types, when Reactor is present: a {@code Mono} replies
 * when it completes, like a {@code CompletionStage}; a {@code Flux} (or any other
 * {@code Publisher}) is refused, since a request has one reply. Only touched once
 * {@link #PRESENT} is true.
 */
final class ReactorReplies {

	static final boolean PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			ReactorReplies.class.getClassLoader());

	private ReactorReplies() {
	}

	static boolean isPublisher(@Nullable Object result) {
		return result instanceof Publisher;
	}

	/**
	 * Return why a handler's declared return type cannot be used.
	 * @param returnType the declared return type
	 * @return the problem, or {@code null} when it can
	 */
	static @Nullable String problem(Class<?> returnType) {
		if (Publisher.class.isAssignableFrom(returnType) && !Mono.class.isAssignableFrom(returnType)) {
			return "returns a " + returnType.getSimpleName() + ", but a message has at most one reply";
		}
		return null;
	}

	/**
	 * Adapt a handler's result: a publisher becomes a stage, anything else is kept.
	 * @param result what the handler returned
	 * @return the stage, or the result itself
	 */
	static @Nullable Object adapt(@Nullable Object result) {
		return (PRESENT && result != null && isPublisher(result)) ? toStage(result) : result;
	}

	/**
	 * Adapt a handler's publisher: a {@code Mono} completes the stage with its value (or
	 * {@code null} when empty, which sends nothing); any other publisher fails it.
	 * @param result a {@link Publisher}
	 * @return the stage
	 */
	static CompletionStage<?> toStage(Object result) {
		if (result instanceof Mono<?> mono) {
			return mono.toFuture();
		}
		return CompletableFuture.failedFuture(new IllegalStateException("The handler returned a "
				+ result.getClass().getName() + "; only a Mono can be a reply, a Flux cannot"));
	}

}

package dev.ambiorix.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method as the handler for WebSocket envelopes with the given {@code name},
 * like Ambiorix's {@code app$receive(name, handler)}.
 * <p>
 * Parameters are resolved by type, in any order: {@link WebSocketClient} (the sender),
 * {@link WebSocketClients}, {@link java.security.Principal},
 * {@link org.springframework.web.socket.WebSocketSession}, and at most one other
 * parameter that receives the envelope's {@code message} converted with Jackson
 * (validated when annotated {@code @Valid}). A non-null return value, or the value a
 * returned {@link java.util.concurrent.CompletionStage} completes with, is sent back to
 * the sender under the same name.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Receive {

	/**
	 * The envelope name this method handles: non-empty, at most 256 characters, and not
	 * starting with the reserved {@code ambiorix:} prefix.
	 * @return the envelope name
	 */
	String value();

}

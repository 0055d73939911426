package dev.ambiorix.spring.handler;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

/**
 * The {@code @Receive} handlers by envelope name.
 */
public final class HandlerRegistry {

	private final ConcurrentMap<String, ReceiveHandler> byName = new ConcurrentHashMap<>();

	/**
	 * Register a handler.
	 * @param handler the handler
	 * @throws ReceiveHandlerDefinitionException naming both methods when the name is
	 * taken
	 */
	public void register(ReceiveHandler handler) {
		ReceiveHandler existing = this.byName.putIfAbsent(handler.name(), handler);
		if (existing != null) {
			throw new ReceiveHandlerDefinitionException(
					"Two @Receive(\"" + handler.name() + "\") handlers: " + existing.description() + " and "
							+ handler.description() + ".",
					"Each envelope name needs exactly one handler: rename or remove one of them.");
		}
	}

	/**
	 * Find the handler for a name.
	 * @param name the envelope name
	 * @return the handler, or {@code null}
	 */
	public @Nullable ReceiveHandler find(String name) {
		return this.byName.get(name);
	}

	/**
	 * Return the registered names.
	 * @return the names
	 */
	public Set<String> names() {
		return Set.copyOf(this.byName.keySet());
	}

	/**
	 * Return the registered handlers.
	 * @return a snapshot of the handlers
	 */
	public Collection<ReceiveHandler> handlers() {
		return List.copyOf(this.byName.values());
	}

}

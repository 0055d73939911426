package dev.ambiorix.spring.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValues;

/**
 * The observation {@value HandlerObservations#OBSERVATION_NAME}, named after the handler,
 * with OpenTelemetry's messaging keys: {@code messaging.system=ambiorix},
 * {@code messaging.operation=process} and {@code messaging.destination.name} the
 * handler's name.
 */
public class DefaultHandlerObservationConvention implements HandlerObservationConvention {

	@Override
	public String getName() {
		return HandlerObservations.OBSERVATION_NAME;
	}

	@Override
	public String getContextualName(HandlerObservations.HandlerContext context) {
		return context.handlerName();
	}

	/** The keys of each handler, built once: handler names are a bounded set. */
	private final Map<String, KeyValues> keyValues = new ConcurrentHashMap<>();

	@Override
	public KeyValues getLowCardinalityKeyValues(HandlerObservations.HandlerContext context) {
		String name = context.handlerName();
		KeyValues found = this.keyValues.get(name);
		return (found != null) ? found : this.keyValues.computeIfAbsent(name, (key) -> KeyValues.of("messaging.system",
				"ambiorix", "messaging.operation", "process", "messaging.destination.name", key));
	}

}

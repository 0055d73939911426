package dev.ambiorix.spring.metrics;

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

	@Override
	public KeyValues getLowCardinalityKeyValues(HandlerObservations.HandlerContext context) {
		return KeyValues.of("messaging.system", "ambiorix", "messaging.operation", "process",
				"messaging.destination.name", context.handlerName());
	}

}

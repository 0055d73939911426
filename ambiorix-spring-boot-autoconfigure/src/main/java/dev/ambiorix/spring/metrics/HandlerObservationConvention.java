package dev.ambiorix.spring.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the observation of a handler call; declare a bean to replace
 * {@link DefaultHandlerObservationConvention}'s keys or add to them.
 */
public interface HandlerObservationConvention extends ObservationConvention<HandlerObservations.HandlerContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HandlerObservations.HandlerContext;
	}

}

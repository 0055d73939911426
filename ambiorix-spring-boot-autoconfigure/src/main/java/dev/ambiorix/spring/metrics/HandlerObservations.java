package dev.ambiorix.spring.metrics;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.session.AmbiorixMonitor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * Makes each handler call a Micrometer {@link Observation} named
 * {@value #OBSERVATION_NAME}: a timer, and with tracing a span named after the handler
 * that continues the trace of the envelope's {@code traceparent}. Broadcasts made inside
 * the handler run in its scope.
 * <p>
 * Low-cardinality keys follow OpenTelemetry's messaging conventions (see
 * {@link DefaultHandlerObservationConvention}); a {@link HandlerObservationConvention}
 * bean replaces them.
 */
public final class HandlerObservations implements AmbiorixMonitor {

	/** The observation's name, and so the timer's. */
	public static final String OBSERVATION_NAME = "ambiorix.handler";

	private static final HandlerObservationConvention DEFAULT_CONVENTION = new DefaultHandlerObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable HandlerObservationConvention convention;

	/**
	 * Create the observations with the default convention.
	 * @param registry the observation registry
	 */
	public HandlerObservations(ObservationRegistry registry) {
		this(registry, null);
	}

	/**
	 * Create the observations.
	 * @param registry the observation registry
	 * @param convention the application's convention, or {@code null} for
	 * {@link DefaultHandlerObservationConvention}
	 */
	public HandlerObservations(ObservationRegistry registry, @Nullable HandlerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public @Nullable Object observe(String name, Envelope envelope, HandlerCall call) throws Throwable {
		if (this.registry.isNoop()) {
			return call.call();
		}
		Observation observation = Observation
			.createNotStarted(this.convention, DEFAULT_CONVENTION, () -> new HandlerContext(name, envelope),
					this.registry)
			.start();
		Object result;
		try (Observation.Scope scope = observation.openScope()) {
			result = call.call();
		}
		catch (Throwable ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					observation
						.error((ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex);
				}
				observation.stop();
			});
		}
		else {
			observation.stop();
		}
		return result;
	}

	/**
	 * The context of one handler call: the envelope is the carrier a tracer's propagator
	 * reads the {@code traceparent} from.
	 */
	public static final class HandlerContext extends ReceiverContext<Envelope> {

		private final String handlerName;

		/** When the call started, for {@link HandlerMeters}. */
		long startNanos;

		/**
		 * The running long task timer's sample, for {@link HandlerMeters}; an
		 * {@code Object}, since this class must load without micrometer-core.
		 */
		@Nullable Object activeSample;

		HandlerContext(String handlerName, Envelope envelope) {
			super((carrier, key) -> "traceparent".equals(key) ? carrier.traceparent() : null);
			this.handlerName = handlerName;
			setCarrier(envelope);
			setRemoteServiceName("ambiorix-client");
		}

		/**
		 * Return the name of the handler called.
		 * @return the handler's name
		 */
		public String handlerName() {
			return this.handlerName;
		}

	}

}

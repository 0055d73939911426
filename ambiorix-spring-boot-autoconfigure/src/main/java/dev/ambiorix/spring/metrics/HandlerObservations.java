package dev.ambiorix.spring.metrics;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.session.AmbiorixMonitor;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
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

		/**
		 * The meters {@link HandlerMeters} found at the start, and the keys they were
		 * found for; an {@code Object}, as above.
		 */
		@Nullable Object startMeters;

		@Nullable KeyValues startKeys;

		/**
		 * The low-cardinality keys while they are exactly one {@code KeyValues} (the
		 * convention's, built once per handler), so that the meters are found without
		 * {@link #getLowCardinalityKeyValues()} sorting them anew on every call.
		 */
		private @Nullable KeyValues knownKeys;

		/** Set once a change made the keys other than {@link #knownKeys}. */
		private boolean keysChanged;

		private boolean addingKnownKeys;

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

		/**
		 * Return the low-cardinality keys, without sorting them when they are known.
		 * @return the keys
		 */
		KeyValues lowCardinalityKeys() {
			KeyValues known = this.knownKeys;
			return (known != null) ? known : getLowCardinalityKeyValues();
		}

		@Override
		public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
			KeyValues known = this.knownKeys;
			if (known != null && containsAll(known, keyValues)) {
				// Held already: the stop adds the convention's keys again.
				return this;
			}
			boolean first = known == null && !this.keysChanged;
			this.addingKnownKeys = first;
			try {
				super.addLowCardinalityKeyValues(keyValues);
			}
			finally {
				this.addingKnownKeys = false;
			}
			if (first) {
				this.knownKeys = keyValues;
			}
			return this;
		}

		@Override
		public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
			super.addLowCardinalityKeyValue(keyValue);
			KeyValues known = this.knownKeys;
			if (!this.addingKnownKeys && (known == null || !contains(known, keyValue))) {
				keysChange();
			}
			return this;
		}

		@Override
		public Observation.Context removeLowCardinalityKeyValue(String keyName) {
			keysChange();
			return super.removeLowCardinalityKeyValue(keyName);
		}

		@Override
		public Observation.Context removeLowCardinalityKeyValues(String... keyNames) {
			keysChange();
			return super.removeLowCardinalityKeyValues(keyNames);
		}

		private void keysChange() {
			this.knownKeys = null;
			this.keysChanged = true;
		}

		private static boolean containsAll(KeyValues known, KeyValues added) {
			if (added == known) {
				return true;
			}
			for (KeyValue keyValue : added) {
				if (!contains(known, keyValue)) {
					return false;
				}
			}
			return true;
		}

		private static boolean contains(KeyValues known, KeyValue keyValue) {
			for (KeyValue candidate : known) {
				if (candidate.getKey().equals(keyValue.getKey()) && candidate.getValue().equals(keyValue.getValue())) {
					return true;
				}
			}
			return false;
		}

	}

}

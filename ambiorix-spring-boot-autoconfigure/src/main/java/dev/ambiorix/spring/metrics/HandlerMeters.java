package dev.ambiorix.spring.metrics;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;

/**
 * Records the meters of a handler observation as Micrometer's
 * {@link DefaultMeterObservationHandler} does (a timer named after the observation with
 * its low-cardinality keys and an {@code error} tag, and a long task timer
 * {@code <name>.active}), with the meters looked up once per set of keys instead of built
 * and registered on every call. Ordered first among the meter handlers, so that Spring
 * Boot's default one skips handler observations.
 */
final class HandlerMeters implements MeterObservationHandler<HandlerObservations.HandlerContext>, Ordered {

	private static final String NO_ERROR = "none";

	private final MeterRegistry registry;

	private final Clock clock;

	private final boolean longTaskTimer;

	private final ConcurrentMap<Key, Meters> meters = new ConcurrentHashMap<>();

	/**
	 * Create the handler.
	 * @param registry where the meters live
	 * @param longTaskTimer whether to keep the long task timer, off when the application
	 * ignores it ({@code management.metrics.observations.ignored-meters=long-task-timer})
	 */
	HandlerMeters(MeterRegistry registry, boolean longTaskTimer) {
		this.registry = registry;
		this.clock = registry.config().clock();
		this.longTaskTimer = longTaskTimer;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof HandlerObservations.HandlerContext;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onStart(HandlerObservations.HandlerContext context) {
		if (this.longTaskTimer) {
			KeyValues keys = context.lowCardinalityKeys();
			Meters meters = meters(context, keys);
			context.startKeys = keys;
			context.startMeters = meters;
			if (meters.active != null) {
				context.activeSample = meters.active.start();
			}
		}
		context.startNanos = this.clock.monotonicTime();
	}

	@Override
	public void onStop(HandlerObservations.HandlerContext context) {
		long duration = this.clock.monotonicTime() - context.startNanos;
		Throwable error = context.getError();
		KeyValues keys = context.lowCardinalityKeys();
		// The same keys as at the start, unless something changed them since.
		Meters meters = (keys == context.startKeys && context.startMeters instanceof Meters started
				&& started.name.equals(context.getName())) ? started : meters(context, keys);
		meters.timer((error != null) ? error.getClass().getSimpleName() : NO_ERROR)
			.record(duration, TimeUnit.NANOSECONDS);
		if (context.activeSample instanceof LongTaskTimer.Sample active) {
			active.stop();
		}
	}

	@Override
	public void onEvent(Observation.Event event, HandlerObservations.HandlerContext context) {
		Counter.builder(context.getName() + "." + event.getName())
			.tags(meters(context, context.lowCardinalityKeys()).tags)
			.register(this.registry)
			.increment();
	}

	private Meters meters(HandlerObservations.HandlerContext context, KeyValues keys) {
		// A convention may rename the observation; it is never unnamed once started.
		String name = Objects.requireNonNullElse(context.getName(), HandlerObservations.OBSERVATION_NAME);
		Key key = new Key(name, keys);
		Meters found = this.meters.get(key);
		return (found != null) ? found : this.meters.computeIfAbsent(key, Meters::new);
	}

	private record Key(String name, KeyValues keys) {
	}

	/**
	 * The meters of one name and set of keys: the long task timer and a timer per error.
	 */
	private final class Meters {

		private final String name;

		private final Tags tags;

		private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

		private final @Nullable LongTaskTimer active;

		Meters(Key key) {
			this.name = key.name();
			Tags tags = Tags.empty();
			for (KeyValue keyValue : key.keys()) {
				tags = tags.and(Tag.of(keyValue.getKey(), keyValue.getValue()));
			}
			this.tags = tags;
			this.active = HandlerMeters.this.longTaskTimer
					? LongTaskTimer.builder(this.name + ".active").tags(tags).register(HandlerMeters.this.registry)
					: null;
		}

		Timer timer(String error) {
			Timer timer = this.timers.get(error);
			if (timer == null) {
				timer = this.timers.computeIfAbsent(error,
						(key) -> Timer.builder(this.name)
							.tags(this.tags.and("error", key))
							.register(HandlerMeters.this.registry));
			}
			return timer;
		}

	}

}

package dev.ambiorix.spring.metrics;

import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.cluster.redis.RedisRelay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Meters of the Redis cluster relay: envelopes relayed out and in, the relay's lag,
 * envelopes that failed, and those waiting while the relay is down.
 */
final class ClusterMeters {

	private final RedisRelay relay;

	/**
	 * Create meters over the given relay.
	 * @param relay this node's relay
	 */
	public ClusterMeters(RedisRelay relay) {
		this.relay = relay;
	}

	/**
	 * Register the meters, and the relay's lag listener.
	 * @param registry the registry
	 */
	public void register(MeterRegistry registry) {
		FunctionCounter.builder("ambiorix.cluster.relayed", this.relay, RedisRelay::relayedOut)
			.description("Envelopes this node wrote to the relay stream for the other nodes")
			.tag("direction", "out")
			.register(registry);
		FunctionCounter.builder("ambiorix.cluster.relayed", this.relay, RedisRelay::relayedIn)
			.description("Envelopes from other nodes this node read from the relay stream and delivered")
			.tag("direction", "in")
			.register(registry);
		FunctionCounter.builder("ambiorix.cluster.failed", this.relay, RedisRelay::failed)
			.description("Envelopes for other nodes dropped because the relay buffer was full while Redis was down")
			.register(registry);
		Gauge.builder("ambiorix.cluster.waiting", this.relay, RedisRelay::waiting)
			.description("Envelopes for other nodes waiting to be written to Redis now")
			.strongReference(true)
			.register(registry);
		Gauge.builder("ambiorix.cluster.up", this.relay, (relay) -> relay.isUp() ? 1 : 0)
			.description("1 while Redis answers the relay, 0 while it is down")
			.strongReference(true)
			.register(registry);
		Timer lag = Timer.builder("ambiorix.cluster.lag")
			.description("Time from an envelope's append to the relay stream to its delivery on this node")
			.register(registry);
		this.relay.lagListener((millis) -> lag.record(millis, TimeUnit.MILLISECONDS));
	}

}

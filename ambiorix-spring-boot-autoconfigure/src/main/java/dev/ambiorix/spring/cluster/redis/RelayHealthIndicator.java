package dev.ambiorix.spring.cluster.redis;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports the cluster relay DOWN while Redis is unreachable, with how many envelopes for
 * other nodes wait and how many were dropped.
 */
final class RelayHealthIndicator extends AbstractHealthIndicator {

	private final RedisRelay relay;

	RelayHealthIndicator(RedisRelay relay) {
		super("Ambiorix cluster relay health check failed");
		this.relay = relay;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		(this.relay.isUp() ? builder.up() : builder.down()).withDetail("node", this.relay.nodeId())
			.withDetail("waiting", this.relay.waiting())
			.withDetail("failed", this.relay.failed());
	}

}

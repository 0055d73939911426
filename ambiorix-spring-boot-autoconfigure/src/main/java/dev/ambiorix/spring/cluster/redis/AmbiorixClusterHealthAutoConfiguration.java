package dev.ambiorix.spring.cluster.redis;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code ambiorixCluster} health indicator, DOWN while the
 * Redis relay cannot reach Redis.
 */
@AutoConfiguration(after = AmbiorixRedisClusterAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(RedisRelay.class)
@ConditionalOnEnabledHealthIndicator("ambiorixCluster")
public final class AmbiorixClusterHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "ambiorixClusterHealthIndicator")
	RelayHealthIndicator ambiorixClusterHealthIndicator(RedisRelay relay) {
		return new RelayHealthIndicator(relay);
	}

}

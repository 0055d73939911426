package dev.ambiorix.spring.recovery;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.autoconfigure.AmbiorixProperties;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalClients;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of recovery across reconnects ({@code ambiorix.recovery.*}): in
 * memory on one node, through the relay stream and Redis records with the Redis cluster.
 */
@AutoConfiguration(before = AmbiorixAutoConfiguration.class,
		afterName = { "dev.ambiorix.spring.cluster.AmbiorixClusterAutoConfiguration",
				"dev.ambiorix.spring.cluster.redis.AmbiorixRedisClusterAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "ambiorix.recovery.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AmbiorixProperties.class)
public final class AmbiorixRecoveryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RecoveryStore ambiorixRecoveryStore(AmbiorixProperties properties) {
		return new MemoryRecoveryStore(properties.getRecovery().getHistorySize());
	}

	@Bean
	@ConditionalOnMissingBean
	Recovery ambiorixRecovery(LocalClients clients, FrameDelivery delivery, RecoveryStore store,
			ApplicationEventPublisher events, AmbiorixProperties properties) {
		AmbiorixProperties.Recovery recovery = properties.getRecovery();
		return new Recovery(clients, delivery, store, events, recovery.getWindow(), recovery.getMaxReplay());
	}

}

package dev.ambiorix.spring.cluster.redis;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.autoconfigure.AmbiorixProperties;
import dev.ambiorix.spring.recovery.RecoveryStore;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.MemberDirectory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Auto-configuration of a cluster over one Redis ({@code ambiorix.cluster.mode=redis}),
 * through the connection of Spring Boot's own Redis auto-configuration
 * ({@code spring.data.redis.*}).
 */
@AutoConfiguration(before = AmbiorixAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "ambiorix.cluster.mode", havingValue = "redis")
@EnableConfigurationProperties(AmbiorixProperties.class)
public final class AmbiorixRedisClusterAutoConfiguration {

	@Bean
	RedisKeys ambiorixRedisKeys(AmbiorixProperties properties) {
		return RedisKeys.withRandomNodeId(properties.getCluster().getPrefix());
	}

	@Bean
	RelayStatus ambiorixRelayStatus() {
		return new RelayStatus();
	}

	@Bean
	@ConditionalOnMissingBean(FrameDelivery.class)
	RedisRelay ambiorixFrameDelivery(LocalClients clients, RedisConnectionFactory connectionFactory, RedisKeys keys,
			RelayStatus status, AmbiorixProperties properties) {
		AmbiorixProperties.Cluster cluster = properties.getCluster();
		return new RedisRelay(new LocalFrameDelivery(clients), connectionFactory, keys, cluster.getStreamRetention(),
				cluster.getStreams(), cluster.getRelayBufferSize(), status);
	}

	@Bean
	@ConditionalOnMissingBean(RecoveryStore.class)
	@ConditionalOnBooleanProperty(name = "ambiorix.recovery.enabled", matchIfMissing = true)
	@ConditionalOnBean(RedisRelay.class)
	RedisRecoveryStore ambiorixRecoveryStore(RedisRelay relay, AmbiorixProperties properties) {
		return new RedisRecoveryStore(relay, properties.getCluster().getHeartbeatInterval());
	}

	@Bean
	@ConditionalOnMissingBean(MemberDirectory.class)
	RedisMembership ambiorixMembership(LocalClients clients, RedisConnectionFactory connectionFactory, RedisKeys keys,
			RelayStatus status, AmbiorixProperties properties, ApplicationEventPublisher events,
			ObjectProvider<RedisRelay> relay) {
		AmbiorixProperties.Cluster cluster = properties.getCluster();
		return new RedisMembership(clients, connectionFactory, keys, cluster.getHeartbeatInterval(),
				cluster.getNodeTimeout(), events, status, relay.getIfAvailable());
	}

}

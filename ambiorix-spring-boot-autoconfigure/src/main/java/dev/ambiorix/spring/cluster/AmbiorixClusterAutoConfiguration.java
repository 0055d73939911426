package dev.ambiorix.spring.cluster;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.autoconfigure.AmbiorixProperties;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.MemberDirectory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of groups, users and presence on a single node
 * ({@code ambiorix.cluster.mode=local}, the default): everything in memory. The Redis
 * mode has its own auto-configuration, {@code AmbiorixRedisClusterAutoConfiguration}.
 */
@AutoConfiguration(before = AmbiorixAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AmbiorixProperties.class)
public final class AmbiorixClusterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(MemberDirectory.class)
	@ConditionalOnProperty(name = "ambiorix.cluster.mode", havingValue = "local", matchIfMissing = true)
	LocalMembership ambiorixMembership(LocalClients clients, ApplicationEventPublisher events) {
		return new LocalMembership(clients, events);
	}

	/**
	 * Fails startup rather than silently running each node alone.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "ambiorix.cluster.mode", havingValue = "redis")
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.RedisConnectionFactory")
	static class RedisMissingConfiguration {

		RedisMissingConfiguration() {
			throw new IllegalStateException(
					"ambiorix.cluster.mode=redis needs Spring Data Redis: add spring-boot-starter-data-redis");
		}

	}

}

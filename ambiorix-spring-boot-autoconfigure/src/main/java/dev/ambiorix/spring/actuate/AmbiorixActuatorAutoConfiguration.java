package dev.ambiorix.spring.actuate;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.session.ClusterNodes;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.NodeHealth;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code ambiorix} actuator endpoint, where the application exposes it, and the
 * {@code ambiorix} health indicator, when Spring Boot's actuator is present.
 */
@AutoConfiguration(after = AmbiorixAutoConfiguration.class)
@ConditionalOnBean(LocalClients.class)
public final class AmbiorixActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint
		AmbiorixEndpoint ambiorixEndpoint(HandlerRegistry handlers, LocalClients clients,
				ObjectProvider<ClusterNodes> cluster) {
			return new AmbiorixEndpoint(handlers, clients, cluster.getIfUnique());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "ambiorixHealthIndicator")
		@ConditionalOnEnabledHealthIndicator("ambiorix")
		AmbiorixHealthIndicator ambiorixHealthIndicator(LocalClients clients, ObjectProvider<NodeHealth> parts) {
			return new AmbiorixHealthIndicator(clients, parts.orderedStream().toList());
		}

	}

}

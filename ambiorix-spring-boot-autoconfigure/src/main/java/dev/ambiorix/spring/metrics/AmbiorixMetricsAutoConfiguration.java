package dev.ambiorix.spring.metrics;

import java.util.Set;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.recovery.Recovery;
import dev.ambiorix.spring.session.LocalClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Micrometer meters of the Ambiorix endpoint when the application has a
 * {@link MeterRegistry}, and an observation of each handler call when it has an
 * {@link ObservationRegistry}.
 */
@AutoConfiguration(after = AmbiorixAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBean(LocalClients.class)
public final class AmbiorixMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientMeters ambiorixClientMeters(MeterRegistry registry, HandlerRegistry handlers) {
			return new ClientMeters(registry, handlers);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(Recovery.class)
		RecoveryMeters ambiorixRecoveryMeters(Recovery recovery, MeterRegistry registry) {
			RecoveryMeters meters = new RecoveryMeters(recovery);
			meters.register(registry);
			return meters;
		}

		@Bean
		@ConditionalOnMissingBean
		ClientGauges ambiorixClientGauges(LocalClients clients, MeterRegistry registry) {
			ClientGauges gauges = new ClientGauges(clients);
			gauges.register(registry);
			return gauges;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.micrometer.core.instrument.MeterRegistry",
			"org.springframework.data.redis.connection.RedisConnectionFactory" })
	@ConditionalOnBean(
			type = { "io.micrometer.core.instrument.MeterRegistry", "dev.ambiorix.spring.cluster.redis.RedisRelay" })
	static class ClusterMetersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClusterMeters ambiorixClusterMeters(RedisRelay relay, MeterRegistry registry) {
			ClusterMeters meters = new ClusterMeters(relay);
			meters.register(registry);
			return meters;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HandlerObservations ambiorixHandlerObservations(ObservationRegistry registry,
				ObjectProvider<HandlerObservationConvention> convention) {
			return new HandlerObservations(registry, convention.getIfAvailable());
		}

	}

	/**
	 * The meters of handler observations, recorded without building and registering them
	 * on every call as Micrometer's default meter handler does; Spring Boot puts it first
	 * among the meter handlers it registers on the observation registry.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.micrometer.observation.ObservationRegistry",
			"io.micrometer.core.instrument.observation.MeterObservationHandler" })
	@ConditionalOnBean(
			type = { "io.micrometer.observation.ObservationRegistry", "io.micrometer.core.instrument.MeterRegistry" })
	static class HandlerMetersConfiguration {

		private static final String IGNORED_METERS = "management.metrics.observations.ignored-meters";

		@Bean
		@ConditionalOnMissingBean
		HandlerMeters ambiorixHandlerMeters(MeterRegistry registry, Environment environment) {
			// The same switch as Spring Boot's DefaultMeterObservationHandler.
			boolean longTaskTimer = !Binder.get(environment)
				.bind(IGNORED_METERS, Bindable.setOf(DefaultMeterObservationHandler.IgnoredMeters.class))
				.orElse(Set.of())
				.contains(DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER);
			return new HandlerMeters(registry, longTaskTimer);
		}

	}

}

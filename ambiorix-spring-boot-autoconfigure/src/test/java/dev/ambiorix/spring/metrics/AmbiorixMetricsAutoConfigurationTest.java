package dev.ambiorix.spring.metrics;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.ErrorCode;
import dev.ambiorix.spring.session.AmbiorixMonitor;
import dev.ambiorix.spring.session.LocalClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters and observations switch on with their registries and back off without them.
 */
class AmbiorixMetricsAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class,
				AmbiorixMetricsAutoConfiguration.class));

	@Test
	void meterRegistryGetsTheMetersAndClientsTellThem() {
		this.runner.withUserConfiguration(Registries.class).run((context) -> {
			assertThat(context).hasSingleBean(ClientMeters.class).hasSingleBean(ClientGauges.class);
			assertThat(context).hasSingleBean(HandlerObservations.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("ambiorix.connections").gauge()).isNotNull();
			assertThat(registry.find("ambiorix.errors").counters()).hasSize(ErrorCode.values().length);
			assertThat(context.getBean(LocalClients.class).monitor()).isNotSameAs(AmbiorixMonitor.NONE);
		});
	}

	@Test
	void withoutRegistriesThereAreNoMetersNorObservations() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ClientMeters.class).doesNotHaveBean(HandlerObservations.class);
		});
	}

	@Test
	void withoutMicrometerOnTheClasspathTheEndpointStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, ObservationRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(LocalClients.class).doesNotHaveBean(ClientMeters.class);
			});
	}

	@Test
	void withTheEndpointSwitchedOffThereAreNoMeters() {
		this.runner.withUserConfiguration(Registries.class)
			.withPropertyValues("ambiorix.websocket.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientMeters.class));
	}

	@Test
	void applicationMetersBackOff() {
		this.runner.withUserConfiguration(Registries.class, OwnMeters.class)
			.run((context) -> assertThat(context).getBean(ClientMeters.class).isSameAs(OwnMeters.METERS));
	}

	@Test
	void handlerMetersKeepTheLongTaskTimerUnlessTheApplicationIgnoresIt() {
		this.runner.withUserConfiguration(Registries.class).run((context) -> {
			MeterRegistry registry = observeOneCall(context);
			assertThat(registry.find("ambiorix.handler").timer()).isNotNull();
			assertThat(registry.find("ambiorix.handler.active").longTaskTimer()).isNotNull();
		});
		this.runner.withUserConfiguration(Registries.class)
			.withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer")
			.run((context) -> {
				MeterRegistry registry = observeOneCall(context);
				assertThat(registry.find("ambiorix.handler").timer()).isNotNull();
				assertThat(registry.find("ambiorix.handler.active").meters()).isEmpty();
			});
	}

	/**
	 * Register the handler meters as Spring Boot's observation auto-configuration does,
	 * and observe one call.
	 */
	private static MeterRegistry observeOneCall(ApplicationContext context) throws Throwable {
		ObservationRegistry observations = context.getBean(ObservationRegistry.class);
		observations.observationConfig().observationHandler(context.getBean(HandlerMeters.class));
		context.getBean(HandlerObservations.class)
			.observe("echo", new Envelope("echo", StringNode.valueOf("hi"), null), () -> "hi");
		return context.getBean(MeterRegistry.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class Registries {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry() {
			return ObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnMeters {

		static final ClientMeters METERS = new ClientMeters(new SimpleMeterRegistry(),
				new dev.ambiorix.spring.handler.HandlerRegistry());

		@Bean
		ClientMeters ownMeters() {
			return METERS;
		}

	}

}

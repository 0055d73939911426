package dev.ambiorix.spring.actuate;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint exists only where the application exposes it, the health indicator
 * whenever health is on, and neither without the actuator.
 */
class AmbiorixActuatorAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class,
				AmbiorixActuatorAutoConfiguration.class));

	@Test
	void endpointOnlyWhereExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(AmbiorixEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=ambiorix")
			.run((context) -> assertThat(context).hasSingleBean(AmbiorixEndpoint.class));
	}

	@Test
	void healthIndicatorUnlessSwitchedOff() {
		this.runner.run((context) -> assertThat(context).hasBean("ambiorixHealthIndicator"));
		this.runner.withPropertyValues("management.health.ambiorix.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("ambiorixHealthIndicator"));
	}

	@Test
	void withoutTheActuatorNeitherExists() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class))
			.withPropertyValues("management.endpoints.web.exposure.include=ambiorix")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(AmbiorixEndpoint.class)
					.doesNotHaveBean(AmbiorixHealthIndicator.class);
			});
	}

}

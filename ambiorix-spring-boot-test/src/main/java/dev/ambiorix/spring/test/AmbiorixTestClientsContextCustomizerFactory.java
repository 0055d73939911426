package dev.ambiorix.spring.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Adds an {@link AmbiorixTestClients} bean to a {@code @SpringBootTest} that runs an
 * embedded server, as Spring Boot adds {@code TestRestTemplate}.
 */
class AmbiorixTestClientsContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		SpringBootTest springBootTest = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				SpringBootTest.class);
		return (springBootTest != null && springBootTest.webEnvironment().isEmbedded())
				? new AmbiorixTestClientsContextCustomizer() : null;
	}

}

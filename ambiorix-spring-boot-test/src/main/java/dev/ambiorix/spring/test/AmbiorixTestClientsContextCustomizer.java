package dev.ambiorix.spring.test;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers the {@link AmbiorixTestClients} bean; equal to every other instance, so that
 * it does not defeat the test context cache.
 */
final class AmbiorixTestClientsContextCustomizer implements ContextCustomizer {

	static final String BEAN_NAME = "ambiorixTestClients";

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)
				|| registry.containsBeanDefinition(BEAN_NAME)) {
			return;
		}
		RootBeanDefinition definition = new RootBeanDefinition(AmbiorixTestClients.class,
				() -> new AmbiorixTestClients(context.getEnvironment(),
						context.getBeanProvider(JsonMapper.class).getIfUnique()));
		definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
		definition.setLazyInit(true);
		registry.registerBeanDefinition(BEAN_NAME, definition);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other != null && other.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

}

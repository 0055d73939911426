package dev.ambiorix.spring.security;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.handler.EnvelopeDispatcher;
import dev.ambiorix.spring.handler.InvocationScope;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.web.socket.server.support.AbstractHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The security auto-configurations' beans, back-off, and absence without Spring Security.
 */
class AmbiorixSecurityAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class,
				AmbiorixSecurityAutoConfiguration.class, ConnectionLimitsAutoConfiguration.class));

	@Test
	void withSpringSecurityHandlersRunInItsContextAndTokensAreResolved() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean(InvocationScope.class).isInstanceOf(SecurityContextInvocationScope.class);
			assertThat(context).getBean(BearerTokenResolver.class).isInstanceOf(WebSocketBearerTokenResolver.class);
			assertThat(context).hasSingleBean(CredentialExpiry.class);
			assertThat(context).hasSingleBean(SessionEnd.class);
			assertThat(context).hasSingleBean(ConnectionLimits.class);
			WebSocketHttpRequestHandler upgrade = context.getBean("ambiorixWebSocketRequestHandler",
					WebSocketHttpRequestHandler.class);
			assertThat(((AbstractHandshakeHandler) upgrade.getHandshakeHandler()).getSupportedProtocols())
				.containsExactly("ambiorix");
		});
	}

	@Test
	void withoutSpringSecurityNothingOfItIsDefinedButTheLimits() {
		this.runner.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(InvocationScope.class);
			assertThat(context).doesNotHaveBean(SessionEnd.class);
			assertThat(context).doesNotHaveBean(CredentialExpiry.class);
			assertThat(context).hasSingleBean(EnvelopeDispatcher.class);
			assertThat(context).hasSingleBean(ConnectionLimits.class);
		});
	}

	@Test
	void withoutTheResourceServerThereAreNoTokenBeans() {
		this.runner.withClassLoader(new FilteredClassLoader(BearerTokenResolver.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(InvocationScope.class);
			assertThat(context).doesNotHaveBean(BearerTokenResolver.class);
			assertThat(context).doesNotHaveBean(CredentialExpiry.class);
		});
	}

	@Test
	void theApplicationsOwnBeansWin() {
		this.runner.withUserConfiguration(OwnBeans.class).run((context) -> {
			assertThat(context).getBean(InvocationScope.class).isSameAs(InvocationScope.NONE);
			assertThat(context).getBean(BearerTokenResolver.class).isInstanceOf(DefaultBearerTokenResolver.class);
		});
	}

	@Test
	void limitsAreBoundAndValidated() {
		this.runner
			.withPropertyValues("ambiorix.security.connections.max-per-user=3",
					"ambiorix.security.connections.max-per-address=9")
			.run((context) -> {
				AmbiorixSecurityProperties properties = context.getBean(AmbiorixSecurityProperties.class);
				assertThat(properties.getConnections().getMaxPerUser()).isEqualTo(3);
				assertThat(properties.getConnections().getMaxPerAddress()).isEqualTo(9);
				assertThat(properties.getBearer().isQueryParameter()).isFalse();
			});
		this.runner.withPropertyValues("ambiorix.security.connections.max-per-user=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("ambiorix.security.connections.max-per-user"));
	}

	@Test
	void theCustomizersAreEndpointCustomizers() {
		this.runner.run((context) -> assertThat(context.getBeansOfType(WebSocketEndpointCustomizer.class))
			.containsKeys("ambiorixSubprotocols", "ambiorixSessionEnd", "ambiorixConnectionLimits"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		@Bean
		InvocationScope invocationScope() {
			return InvocationScope.NONE;
		}

		@Bean
		BearerTokenResolver bearerTokenResolver() {
			return new DefaultBearerTokenResolver();
		}

	}

}

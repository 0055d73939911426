package dev.ambiorix.spring.security;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.handler.InvocationScope;
import dev.ambiorix.spring.session.LocalClients;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.web.socket.WebSocketHandler;

/**
 * Spring Security for the Ambiorix endpoint: {@code @Receive} handlers run as the
 * handshake user, so method security applies to them; with the OAuth2 resource server,
 * bearer tokens a browser can send and connections closed when their token expires.
 * Before the endpoint's own auto-configuration, whose dispatcher uses the
 * {@link InvocationScope} defined here.
 */
@AutoConfiguration(beforeName = "dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ WebSocketHandler.class, SecurityContextHolder.class })
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AmbiorixSecurityProperties.class)
public final class AmbiorixSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	InvocationScope ambiorixSecurityInvocationScope() {
		return new SecurityContextInvocationScope();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionEnd ambiorixSessionEnd(ObjectProvider<LocalClients> clients, ObjectProvider<WebSocketClients> everyNode) {
		return new SessionEnd(clients, everyNode);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionLog ambiorixConnectionLog() {
		return new ConnectionLog();
	}

	/**
	 * Bearer tokens where a browser can put them, and connections that end with their
	 * token.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(BearerTokenResolver.class)
	static class BearerTokenConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BearerTokenResolver ambiorixBearerTokenResolver(AmbiorixSecurityProperties properties) {
			return new WebSocketBearerTokenResolver(properties.getBearer().isQueryParameter());
		}

		@Bean
		@ConditionalOnMissingBean
		BearerTokenQueryParameterFilter ambiorixBearerTokenQueryParameterFilter() {
			return new BearerTokenQueryParameterFilter();
		}

		@Bean
		WebSocketEndpointCustomizer ambiorixSubprotocols() {
			return new Subprotocols();
		}

		@Bean
		@ConditionalOnMissingBean
		CredentialExpiry ambiorixCredentialExpiry() {
			return new CredentialExpiry();
		}

		/**
		 * On Tomcat, the token is also kept out of the access log.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "org.apache.catalina.valves.ValveBase",
				"org.springframework.boot.tomcat.TomcatContextCustomizer" })
		static class TomcatAccessLogConfiguration {

			@Bean
			TomcatContextCustomizer ambiorixAccessLogTokenValve() {
				return (context) -> context.getPipeline().addValve(new TomcatAccessLogTokenValve());
			}

		}

	}

}

package dev.ambiorix.spring.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.WebSocketHandler;

/**
 * Connection limits per user and per remote address at the Ambiorix endpoint. Apart from
 * {@link AmbiorixSecurityAutoConfiguration} because it needs no Spring Security: the user
 * is whatever principal the handshake has.
 */
@AutoConfiguration(beforeName = "dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebSocketHandler.class)
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AmbiorixSecurityProperties.class)
public final class ConnectionLimitsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConnectionLimits ambiorixConnectionLimits(AmbiorixSecurityProperties properties) {
		AmbiorixSecurityProperties.Connections connections = properties.getConnections();
		return new ConnectionLimits(connections.getMaxPerUser(), connections.getMaxPerAddress());
	}

}

package dev.ambiorix.spring.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Ambiorix endpoint's Spring Security integration.
 */
@ConfigurationProperties("ambiorix.security")
public class AmbiorixSecurityProperties {

}

package dev.ambiorix.spring.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.Assert;

/**
 * Configuration of the Ambiorix endpoint's Spring Security integration.
 */
@ConfigurationProperties("ambiorix.security")
public class AmbiorixSecurityProperties {

	private final Bearer bearer = new Bearer();

	private final Connections connections = new Connections();

	public Bearer getBearer() {
		return this.bearer;
	}

	public Connections getConnections() {
		return this.connections;
	}

	/**
	 * Bearer tokens (OAuth2 resource server) on WebSocket upgrades.
	 */
	public static class Bearer {

		/**
		 * Whether an upgrade may carry its bearer token in the "access_token" query
		 * parameter, for clients that can set neither a header nor a subprotocol. The
		 * parameter is kept out of Spring's log lines and Tomcat's access log, not out of
		 * Jetty's request log or a proxy's: see docs/security.md.
		 */
		private boolean queryParameter = false;

		public boolean isQueryParameter() {
			return this.queryParameter;
		}

		public void setQueryParameter(boolean queryParameter) {
			this.queryParameter = queryParameter;
		}

	}

	/**
	 * Caps on open connections, per node; an upgrade beyond one gets 429.
	 */
	public static class Connections {

		/**
		 * Most open connections of one authenticated user (by principal name); 0 for no
		 * cap. Enough for a user with many tabs and devices.
		 */
		private int maxPerUser = 32;

		/**
		 * Most open connections from one remote address (as Spring Boot's forward-headers
		 * strategy resolves it); 0 for no cap. Off by default: many users can share one
		 * address behind a NAT or a proxy that does not forward theirs.
		 */
		private int maxPerAddress = 0;

		public int getMaxPerUser() {
			return this.maxPerUser;
		}

		public void setMaxPerUser(int maxPerUser) {
			Assert.isTrue(maxPerUser >= 0, "ambiorix.security.connections.max-per-user must not be negative");
			this.maxPerUser = maxPerUser;
		}

		public int getMaxPerAddress() {
			return this.maxPerAddress;
		}

		public void setMaxPerAddress(int maxPerAddress) {
			Assert.isTrue(maxPerAddress >= 0, "ambiorix.security.connections.max-per-address must not be negative");
			this.maxPerAddress = maxPerAddress;
		}

	}

}

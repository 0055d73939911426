package dev.ambiorix.spring.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Ambiorix endpoint's Spring Security integration.
 */
@ConfigurationProperties("ambiorix.security")
public class AmbiorixSecurityProperties {

	private final Bearer bearer = new Bearer();

	public Bearer getBearer() {
		return this.bearer;
	}

	/**
	 * Bearer tokens (OAuth2 resource server) on WebSocket upgrades.
	 */
	public static class Bearer {

		/**
		 * Whether an upgrade may carry its bearer token in the "access_token" query
		 * parameter, for clients that can set neither a header nor a subprotocol. The
		 * parameter is taken out of the request before any Spring log line can show it,
		 * but a container access log with the request line shows it: see
		 * docs/security.md.
		 */
		private boolean queryParameter = false;

		public boolean isQueryParameter() {
			return this.queryParameter;
		}

		public void setQueryParameter(boolean queryParameter) {
			this.queryParameter = queryParameter;
		}

	}

}

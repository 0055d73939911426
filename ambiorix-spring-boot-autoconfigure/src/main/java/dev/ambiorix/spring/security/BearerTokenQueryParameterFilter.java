package dev.ambiorix.spring.security;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes an {@code access_token} query parameter out of a WebSocket upgrade before
 * anything else sees the request: the token moves to a request attribute for
 * {@link WebSocketBearerTokenResolver}, and the request that goes on has neither the
 * parameter nor the query text, so no log line of Spring MVC, Spring Security or ours can
 * show it. First of the application's filters.
 */
final class BearerTokenQueryParameterFilter extends OncePerRequestFilter implements Ordered {

	static final String PARAMETER = "access_token";

	static final String TOKEN_ATTRIBUTE = BearerTokenQueryParameterFilter.class.getName() + ".token";

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String query = request.getQueryString();
		if (query == null || !query.contains(PARAMETER) || !isUpgrade(request)) {
			chain.doFilter(request, response);
			return;
		}
		String token = request.getParameter(PARAMETER);
		if (token != null) {
			request.setAttribute(TOKEN_ATTRIBUTE, token);
		}
		chain.doFilter(new WithoutToken(request, query), response);
	}

	/**
	 * Return a query string without the token parameter.
	 * @param query the query string
	 * @return the rest, or {@code null} when nothing is left
	 */
	static @Nullable String withoutToken(String query) {
		String rest = Arrays.stream(query.split("&"))
			.filter((pair) -> !pair.equals(PARAMETER) && !pair.startsWith(PARAMETER + "="))
			.collect(Collectors.joining("&"));
		return rest.isEmpty() ? null : rest;
	}

	static boolean isUpgrade(HttpServletRequest request) {
		return "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
	}

	/**
	 * The request without the token: its query string and parameters lack it.
	 */
	private static final class WithoutToken extends HttpServletRequestWrapper {

		private final @Nullable String query;

		WithoutToken(HttpServletRequest request, String query) {
			super(request);
			this.query = withoutToken(query);
		}

		@Override
		public @Nullable String getQueryString() {
			return this.query;
		}

		@Override
		public @Nullable String getParameter(String name) {
			return PARAMETER.equals(name) ? null : super.getParameter(name);
		}

		@Override
		public String @Nullable [] getParameterValues(String name) {
			return PARAMETER.equals(name) ? null : super.getParameterValues(name);
		}

		@Override
		public Map<String, String[]> getParameterMap() {
			Map<String, String[]> parameters = new LinkedHashMap<>(super.getParameterMap());
			parameters.remove(PARAMETER);
			return Collections.unmodifiableMap(parameters);
		}

		@Override
		public Enumeration<String> getParameterNames() {
			return Collections.enumeration(getParameterMap().keySet());
		}

	}

}

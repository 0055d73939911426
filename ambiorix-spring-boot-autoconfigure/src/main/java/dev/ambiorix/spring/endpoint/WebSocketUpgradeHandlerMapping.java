package dev.ambiorix.spring.endpoint;

import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Maps WebSocket upgrade requests on the endpoint's paths, and only those: a plain
 * {@code GET /} has no {@code Upgrade: websocket} header and falls through to the
 * application's own page, though the genuine {@code ambiorix.js} connects to {@code /}.
 */
public final class WebSocketUpgradeHandlerMapping extends AbstractHandlerMapping {

	private final Set<String> paths;

	private final WebSocketHttpRequestHandler handler;

	/**
	 * Create the mapping.
	 * @param paths the paths accepting upgrades, such as {@code /}
	 * @param handler performs the handshake
	 */
	public WebSocketUpgradeHandlerMapping(List<String> paths, WebSocketHttpRequestHandler handler) {
		this.paths = Set.copyOf(paths);
		this.handler = handler;
		// Before controllers and the welcome page, which may also claim "/".
		setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
	}

	@Override
	protected @Nullable Object getHandlerInternal(HttpServletRequest request) {
		String upgrade = request.getHeader("Upgrade");
		if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
			return null;
		}
		return this.paths.contains(initLookupPath(request)) ? this.handler : null;
	}

}

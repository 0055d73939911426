package dev.ambiorix.spring.security;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.event.ClientConnectedEvent;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.event.EventListener;
import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Caps the open connections of one user and of one remote address on this node. An
 * upgrade beyond a cap is refused with 429; a connection that slipped past the check
 * beside another at the same moment is closed with 1008 once open. The remote address is
 * the servlet request's, so it honours Spring Boot's forward-headers strategy.
 */
final class ConnectionLimits implements WebSocketEndpointCustomizer, HandshakeInterceptor {

	static final CloseStatus TOO_MANY = CloseStatus.POLICY_VIOLATION.withReason("too many connections");

	private static final String ADDRESS_ATTRIBUTE = ConnectionLimits.class.getName() + ".address";

	private static final String USER_ATTRIBUTE = ConnectionLimits.class.getName() + ".user";

	private static final Log logger = LogFactory.getLog(ConnectionLimits.class);

	private final int maxPerUser;

	private final int maxPerAddress;

	private final ConcurrentMap<String, Integer> perUser = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Integer> perAddress = new ConcurrentHashMap<>();

	/**
	 * Create the limits.
	 * @param maxPerUser most connections of one authenticated user, 0 for no cap
	 * @param maxPerAddress most connections from one remote address, 0 for no cap
	 */
	ConnectionLimits(int maxPerUser, int maxPerAddress) {
		this.maxPerUser = maxPerUser;
		this.maxPerAddress = maxPerAddress;
	}

	@Override
	public void customize(WebSocketHttpRequestHandler requestHandler) {
		requestHandler.getHandshakeInterceptors().add(this);
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		String user = name(request.getPrincipal());
		String address = remoteAddress(request);
		String refusal = null;
		if (user != null && full(this.perUser, user, this.maxPerUser)) {
			refusal = this.maxPerUser + " connections per user";
		}
		else if (address != null && full(this.perAddress, address, this.maxPerAddress)) {
			refusal = this.maxPerAddress + " connections per address";
		}
		if (refusal != null) {
			logger.info(LogMessage.format("Refused an upgrade from %s of user %s: %s", address, user, refusal));
			response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
			return false;
		}
		if (user != null) {
			attributes.put(USER_ATTRIBUTE, user);
		}
		if (address != null) {
			attributes.put(ADDRESS_ATTRIBUTE, address);
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

	@EventListener
	void connected(ClientConnectedEvent event) {
		WebSocketClient client = event.client();
		boolean over = count(this.perUser, key(client, USER_ATTRIBUTE), 1, this.maxPerUser);
		over |= count(this.perAddress, key(client, ADDRESS_ATTRIBUTE), 1, this.maxPerAddress);
		if (over) {
			logger.info(LogMessage.format("Closing client %s of user %s: too many connections", client.id(),
					name(client.principal())));
			client.close(TOO_MANY);
		}
	}

	@EventListener
	void disconnected(ClientDisconnectedEvent event) {
		WebSocketClient client = event.client();
		count(this.perUser, key(client, USER_ATTRIBUTE), -1, 0);
		count(this.perAddress, key(client, ADDRESS_ATTRIBUTE), -1, 0);
	}

	int connectionsOfUser(String user) {
		return this.perUser.getOrDefault(user, 0);
	}

	private static boolean full(ConcurrentMap<String, Integer> counts, String key, int max) {
		return max > 0 && counts.getOrDefault(key, 0) >= max;
	}

	/**
	 * Add to a key's count, dropping keys that reach zero.
	 * @return whether the count is now over the cap
	 */
	private static boolean count(ConcurrentMap<String, Integer> counts, @Nullable String key, int delta, int max) {
		if (key == null) {
			return false;
		}
		Integer now = counts.compute(key, (k, count) -> {
			int next = ((count != null) ? count : 0) + delta;
			return (next > 0) ? next : null;
		});
		return max > 0 && now != null && now > max;
	}

	private static @Nullable String key(WebSocketClient client, String attribute) {
		return (client.attributes().get(attribute) instanceof String key) ? key : null;
	}

	private static @Nullable String remoteAddress(ServerHttpRequest request) {
		if (request instanceof ServletServerHttpRequest servlet) {
			return servlet.getServletRequest().getRemoteAddr();
		}
		InetSocketAddress remote = request.getRemoteAddress();
		return (remote != null) ? remote.getHostString() : null;
	}

	private static @Nullable String name(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : null;
	}

}

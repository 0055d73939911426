package dev.ambiorix.spring.actuate;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.handler.ReceiveHandler;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.LocalClients;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.web.socket.CloseStatus;

/**
 * The {@code ambiorix} actuator endpoint: the registered handlers and the clients of this
 * node (never their attributes), and an operation that disconnects one client.
 */
@Endpoint(id = "ambiorix")
final class AmbiorixEndpoint {

	static final CloseStatus DISCONNECTED = CloseStatus.POLICY_VIOLATION.withReason("disconnected by an operator");

	private final HandlerRegistry handlers;

	private final LocalClients clients;

	/**
	 * Create the endpoint.
	 * @param handlers the registered handlers
	 * @param clients this node's clients
	 */
	public AmbiorixEndpoint(HandlerRegistry handlers, LocalClients clients) {
		this.handlers = handlers;
		this.clients = clients;
	}

	/**
	 * Describe the handlers and this node's clients.
	 * @return the description
	 */
	@ReadOperation
	public AmbiorixDescriptor ambiorix() {
		List<HandlerDescriptor> handlers = this.handlers.handlers()
			.stream()
			.sorted(Comparator.comparing(ReceiveHandler::name))
			.map((handler) -> new HandlerDescriptor(handler.name(), handler.description(), handler.payloadType()))
			.toList();
		List<ClientDescriptor> clients = this.clients.all()
			.stream()
			.map(AmbiorixEndpoint::describe)
			.sorted(Comparator.comparing(ClientDescriptor::connectedAt))
			.toList();
		return new AmbiorixDescriptor(handlers, clients);
	}

	/**
	 * Describe one client of this node.
	 * @param id the client id
	 * @return the client, or {@code null} (404) when it is not connected here
	 */
	@ReadOperation
	public @Nullable ClientDescriptor client(@Selector String id) {
		ClientConnection client = this.clients.get(id);
		return (client != null) ? describe(client) : null;
	}

	/**
	 * Disconnect one client of this node with close code 1008.
	 * @param id the client id
	 * @return whether the client was connected here and is now disconnected
	 */
	@DeleteOperation
	public Map<String, Object> disconnect(@Selector String id) {
		ClientConnection client = this.clients.get(id);
		if (client != null) {
			client.terminate(DISCONNECTED);
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", id);
		result.put("disconnected", client != null);
		return result;
	}

	private static ClientDescriptor describe(ClientConnection client) {
		Principal principal = client.principal();
		InetSocketAddress remote = client.session().getRemoteAddress();
		return new ClientDescriptor(client.id(), (principal != null) ? principal.getName() : null, client.connectedAt(),
				(remote != null) ? remote.getAddress().getHostAddress() + ":" + remote.getPort() : null);
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param handlers the registered handlers, by name
	 * @param clients the clients connected to this node, oldest first
	 */
	public record AmbiorixDescriptor(List<HandlerDescriptor> handlers, List<ClientDescriptor> clients) {
	}

	/**
	 * A {@code @Receive} handler.
	 *
	 * @param name the envelope name
	 * @param method the bean's class and method
	 * @param payloadType the type the message is converted to, or {@code null}
	 */
	public record HandlerDescriptor(String name, String method, @Nullable String payloadType) {
	}

	/**
	 * A connected client; its attributes are never shown.
	 *
	 * @param id the client id
	 * @param user the user's name, or {@code null}
	 * @param connectedAt when it connected
	 * @param remoteAddress its address and port, or {@code null} when unknown
	 */
	public record ClientDescriptor(String id, @Nullable String user, Instant connectedAt,
			@Nullable String remoteAddress) {
	}

}

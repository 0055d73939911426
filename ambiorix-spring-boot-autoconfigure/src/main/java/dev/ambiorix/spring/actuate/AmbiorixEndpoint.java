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
import dev.ambiorix.spring.session.ClusterNodes;
import dev.ambiorix.spring.session.LocalClients;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.web.socket.CloseStatus;

/**
 * The {@code ambiorix} actuator endpoint: the registered handlers and the clients of this
 * node (never their attributes), the groups with members here, the cluster's nodes with
 * their last heartbeat, and an operation that disconnects one client.
 */
@Endpoint(id = "ambiorix")
final class AmbiorixEndpoint {

	static final CloseStatus DISCONNECTED = CloseStatus.POLICY_VIOLATION.withReason("disconnected by an operator");

	private final HandlerRegistry handlers;

	private final LocalClients clients;

	private final @Nullable ClusterNodes cluster;

	/**
	 * Create the endpoint.
	 * @param handlers the registered handlers
	 * @param clients this node's clients
	 */
	public AmbiorixEndpoint(HandlerRegistry handlers, LocalClients clients) {
		this(handlers, clients, null);
	}

	/**
	 * Create the endpoint, with the nodes of a cluster.
	 * @param handlers the registered handlers
	 * @param clients this node's clients
	 * @param cluster the cluster's nodes, or {@code null} when this node is alone
	 */
	public AmbiorixEndpoint(HandlerRegistry handlers, LocalClients clients, @Nullable ClusterNodes cluster) {
		this.handlers = handlers;
		this.clients = clients;
		this.cluster = cluster;
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
		List<GroupDescriptor> groups = this.clients.groupNames()
			.stream()
			.sorted()
			.map((group) -> new GroupDescriptor(group, this.clients.groupMembers(group).size()))
			.filter((group) -> group.members() > 0)
			.toList();
		return new AmbiorixDescriptor(handlers, clients, groups, cluster());
	}

	private @Nullable ClusterDescriptor cluster() {
		ClusterNodes cluster = this.cluster;
		if (cluster == null) {
			return null;
		}
		try {
			List<NodeDescriptor> nodes = cluster.lastHeartbeats()
				.entrySet()
				.stream()
				.sorted(Map.Entry.comparingByKey())
				.map((node) -> new NodeDescriptor(node.getKey(), node.getValue(),
						node.getKey().equals(cluster.nodeId())))
				.toList();
			return new ClusterDescriptor(cluster.nodeId(), nodes, null);
		}
		catch (RuntimeException ex) {
			return new ClusterDescriptor(cluster.nodeId(), List.of(),
					"nodes unavailable: " + ex.getClass().getSimpleName());
		}
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
	 * @param groups the groups with members on this node, by name
	 * @param cluster the cluster's nodes, or {@code null} when this node is alone
	 */
	public record AmbiorixDescriptor(List<HandlerDescriptor> handlers, List<ClientDescriptor> clients,
			List<GroupDescriptor> groups, @Nullable ClusterDescriptor cluster) {
	}

	/**
	 * A group with members on this node.
	 *
	 * @param name the group
	 * @param members how many of this node's clients are in it
	 */
	public record GroupDescriptor(String name, int members) {
	}

	/**
	 * The cluster as the shared store holds it.
	 *
	 * @param nodeId this node's id
	 * @param nodes the registered nodes, by id
	 * @param error why the nodes could not be read, or {@code null}
	 */
	public record ClusterDescriptor(String nodeId, List<NodeDescriptor> nodes, @Nullable String error) {
	}

	/**
	 * A node of the cluster.
	 *
	 * @param id the node id
	 * @param lastHeartbeat when it last wrote its heartbeat
	 * @param self whether it is this node
	 */
	public record NodeDescriptor(String id, Instant lastHeartbeat, boolean self) {
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

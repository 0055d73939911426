package dev.ambiorix.spring;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * The clients of one group, or every connection of one user, on every node.
 * <p>
 * Obtained from {@link WebSocketClients#group(String)} or
 * {@link WebSocketClients#user(String)}; cheap to create, holds no state of its own.
 */
public interface ClientGroup {

	/**
	 * Longest group or user name accepted, in characters.
	 */
	int MAX_NAME_LENGTH = 256;

	/**
	 * Return the name of the group or user.
	 * @return the name
	 */
	String name();

	/**
	 * Send an envelope to every member, on every node, serialized once.
	 * @param name the envelope name
	 * @param message the message
	 */
	void broadcast(String name, @Nullable Object message);

	/**
	 * Send an envelope to every member on every node except one client, serialized once.
	 * @param except the client that does not receive it, usually the sender
	 * @param name the envelope name
	 * @param message the message
	 */
	void broadcastExcept(WebSocketClient except, String name, @Nullable Object message);

	/**
	 * Return how many clients are members, on every node. In a cluster the count of other
	 * nodes is read from the shared directory, so it can lag a join by a moment.
	 * @return the number of members
	 */
	int count();

	/**
	 * List the members on every node, each with the presence its node published for it.
	 * @return a snapshot of the members
	 */
	List<Member> members();

	/**
	 * Close every member's connection, on every node, each after the frames already
	 * queued for it. A client that joins afterwards is not affected.
	 * @param status the close status sent to each member, for example
	 * {@code CloseStatus.POLICY_VIOLATION.withReason("logged out")}
	 */
	void close(CloseStatus status);

}

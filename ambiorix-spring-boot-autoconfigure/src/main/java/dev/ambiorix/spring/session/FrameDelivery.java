package dev.ambiorix.spring.session;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Where written frames go: the seam at which a relay to other nodes plugs in.
 */
public interface FrameDelivery {

	/**
	 * Deliver a frame to every open client.
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 */
	void toAll(String frame, @Nullable String exceptId);

	/**
	 * Deliver a frame to one client, if it is open.
	 * @param clientId the client id
	 * @param frame the frame text
	 */
	void toClient(String clientId, String frame);

	/**
	 * Deliver a frame to every open member of a group.
	 * @param group the group
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 */
	void toGroup(String group, String frame, @Nullable String exceptId);

	/**
	 * Deliver a frame to every open connection of a user.
	 * @param user the user name
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 */
	void toUser(String user, String frame, @Nullable String exceptId);

	/**
	 * Deliver a numbered frame to every open client; clients that asked for recovery get
	 * the numbered variant.
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 * @param stamp the numbered frame
	 */
	default void toAll(String frame, @Nullable String exceptId, Stamp stamp) {
		toAll(frame, exceptId);
	}

	/**
	 * Deliver a numbered frame to one client, on whichever node it is.
	 * @param clientId the client id
	 * @param frame the frame text
	 * @param stamp the numbered frame
	 */
	default void toClient(String clientId, String frame, Stamp stamp) {
		toClient(clientId, frame);
	}

	/**
	 * Deliver a numbered frame to every open member of a group.
	 * @param group the group
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 * @param stamp the numbered frame
	 */
	default void toGroup(String group, String frame, @Nullable String exceptId, Stamp stamp) {
		toGroup(group, frame, exceptId);
	}

	/**
	 * Deliver a numbered frame to every open connection of a user.
	 * @param user the user name
	 * @param frame the frame text, written once for all
	 * @param exceptId the id of a client to skip, or {@code null}
	 * @param stamp the numbered frame
	 */
	default void toUser(String user, String frame, @Nullable String exceptId, Stamp stamp) {
		toUser(user, frame, exceptId);
	}

	/**
	 * Close every open member of a group, each after the frames already queued for it, on
	 * every node this delivery reaches.
	 * @param group the group
	 * @param status the close status
	 */
	void closeGroup(String group, CloseStatus status);

	/**
	 * Close every open connection of a user, each after the frames already queued for it,
	 * on every node this delivery reaches.
	 * @param user the user name
	 * @param status the close status
	 */
	void closeUser(String user, CloseStatus status);

}

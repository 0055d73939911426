package dev.ambiorix.spring.session;

import java.util.Set;

import dev.ambiorix.spring.Member;

/**
 * Hears of this node's clients joining and leaving groups: the seam at which the cluster
 * publishes presence to other nodes. Called on the thread that made the change, after it
 * was made; must not block.
 */
public interface MembershipListener {

	/**
	 * A listener that does nothing.
	 */
	MembershipListener NONE = new MembershipListener() {
	};

	/**
	 * A client opened.
	 * @param client the client
	 */
	default void connected(ClientConnection client) {
	}

	/**
	 * A client joined a group.
	 * @param client the client
	 * @param group the group
	 */
	default void joined(ClientConnection client, String group) {
	}

	/**
	 * A client left a group.
	 * @param client the client
	 * @param group the group
	 */
	default void left(ClientConnection client, String group) {
	}

	/**
	 * A client published a new presence.
	 * @param client the client
	 */
	default void presenceChanged(ClientConnection client) {
	}

	/**
	 * A client closed, leaving the given groups at once.
	 * @param client the client
	 * @param member the client as others last saw it, with its presence
	 * @param groups the groups it was in
	 */
	default void disconnected(ClientConnection client, Member member, Set<String> groups) {
	}

}

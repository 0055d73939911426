package dev.ambiorix.spring.session;

import java.util.Set;

import dev.ambiorix.spring.Member;

/**
 * A client that asked for recovery: what reaches it is numbered and recorded, so that it
 * can be replayed on a later connection. Set by the recovery on a
 * {@link ClientConnection}.
 */
public interface Recoverable {

	/**
	 * Record and deliver a frame written for this client alone: a reply, an error, a
	 * {@code send}.
	 * @param frame the frame text
	 */
	void sendOwn(String frame);

	/**
	 * Deliver a numbered frame from a broadcast, a group, a user or a send by id, once.
	 * @param stamp the numbered frame
	 */
	void deliver(Stamp stamp);

	/**
	 * The client is about to leave this node's registry, and is still in it: frames meant
	 * for it from now on may not reach it.
	 */
	default void leaving() {
	}

	/**
	 * The client left this node's registry: remember its groups and presence as they
	 * were, for a later recovery.
	 * @param member the client as others last saw it
	 * @param groups the groups it was in
	 */
	default void removed(Member member, Set<String> groups) {
	}

}

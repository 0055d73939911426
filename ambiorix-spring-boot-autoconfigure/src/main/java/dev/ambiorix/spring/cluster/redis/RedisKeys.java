package dev.ambiorix.spring.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Redis keys of one application and the id of this node. Every key starts with a hash
 * tag, so that Redis Cluster keeps what one command or script uses together on one shard:
 * {@code {prefix}:...} for presence, sessions and the first relay stream, and
 * {@code {prefix:<n>}:relay} for each further relay stream, which may land on another
 * shard.
 *
 * @param prefix the key prefix, without braces
 * @param nodeId this node's id, random at each start
 */
record RedisKeys(String prefix, String nodeId) {

	static RedisKeys withRandomNodeId(String prefix) {
		return new RedisKeys(prefix, UUID.randomUUID().toString());
	}

	/** The first relay stream, the only one unless the relay spreads over several. */
	byte[] relay() {
		return relay(0);
	}

	/**
	 * One relay stream; each has its own hash tag, so each can live on its own shard.
	 * @param stream its index, from 0
	 */
	byte[] relay(int stream) {
		return bytes((stream == 0) ? "{" + this.prefix + "}:relay" : "{" + this.prefix + ":" + stream + "}:relay");
	}

	/** The counter from which each node takes the stream it appends to, in turn. */
	byte[] relayTurn() {
		return bytes("{" + this.prefix + "}:relay:turn");
	}

	/** The set of node ids that have registered, alive or not yet found dead. */
	byte[] nodes() {
		return bytes("{" + this.prefix + "}:nodes");
	}

	/** The hash of a node's members, which expires unless its node heartbeats. */
	byte[] node(String nodeId) {
		return bytes("{" + this.prefix + "}:node:" + nodeId);
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}

package dev.ambiorix.spring.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The Redis keys of one application and the id of this node. Every key starts with the
 * prefix in a hash tag, {@code {prefix}:...}, so that Redis Cluster keeps them on one
 * shard: the relay stream must stay one ordered log.
 *
 * @param prefix the key prefix, without braces
 * @param nodeId this node's id, random at each start
 */
record RedisKeys(String prefix, String nodeId) {

	static RedisKeys withRandomNodeId(String prefix) {
		return new RedisKeys(prefix, UUID.randomUUID().toString());
	}

	/** The stream every node appends to and reads. */
	byte[] relay() {
		return bytes("{" + this.prefix + "}:relay");
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

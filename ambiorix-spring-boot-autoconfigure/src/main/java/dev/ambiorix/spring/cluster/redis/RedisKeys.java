package dev.ambiorix.spring.cluster.redis;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * The Redis keys of one application and the id of this node. Every key starts with a hash
 * tag, so that Redis Cluster keeps what one command or script uses together on one shard:
 * {@code {prefix}:...} for presence, sessions and the first relay stream, and
 * {@code {prefix:<n>}:relay} (or {@code {prefix:<n>-<k>}:relay}) for each further relay
 * stream, whose tag is chosen to put it on another shard.
 *
 * @param prefix the key prefix, without braces
 * @param nodeId this node's id, random at each start
 */
record RedisKeys(String prefix, String nodeId) {

	static RedisKeys withRandomNodeId(String prefix) {
		return new RedisKeys(prefix, UUID.randomUUID().toString());
	}

	/**
	 * Return the key of one of several relay streams. Each has a hash tag of its own,
	 * chosen so that stream {@code i} of {@code n} falls in the {@code i}-th {@code n}-th
	 * of the 16,384 slots: a cluster whose masters hold equal ranges of slots, as
	 * {@code redis-cli --cluster create} makes them, gets the streams spread evenly. The
	 * first candidate tag is {@code prefix:i} ({@code prefix} itself for stream 0), then
	 * {@code prefix:i-1}, {@code prefix:i-2}, and so on.
	 * @param stream its index, from 0
	 * @param streams how many there are
	 * @return the key
	 */
	String relay(int stream, int streams) {
		String tag = (stream == 0) ? this.prefix : this.prefix + ":" + stream;
		for (int k = 1; k < 100_000 && !inSlotRange(tag, stream, streams); k++) {
			tag = this.prefix + ":" + stream + "-" + k;
		}
		return "{" + tag + "}:relay";
	}

	private static boolean inSlotRange(String tag, int stream, int streams) {
		long slot = ClusterSlotHashUtil.calculateSlot(tag);
		return slot * streams / ClusterSlotHashUtil.SLOT_COUNT == stream;
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

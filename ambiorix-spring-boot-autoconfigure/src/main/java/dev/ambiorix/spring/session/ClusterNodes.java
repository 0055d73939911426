package dev.ambiorix.spring.session;

import java.time.Instant;
import java.util.Map;

/**
 * The nodes of a cluster with the time of their last heartbeat, as the shared store holds
 * them, for operators' views such as the actuator endpoint.
 */
public interface ClusterNodes {

	/**
	 * Return this node's id in the cluster.
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Return the registered nodes, this one included, with their last heartbeat.
	 * @return the last heartbeat of each node, by node id
	 * @throws RuntimeException when the store cannot be read
	 */
	Map<String, Instant> lastHeartbeats();

}

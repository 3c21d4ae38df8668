package io.socketbox.spring;

import java.util.List;

/**
 * A view of the cluster from this node.
 */
public interface SocketBoxCluster {

	/**
	 * Return the id of this node, unique for each start of the application.
	 * @return the node id
	 */
	String getNodeId();

	/**
	 * Return the name of this node: the URL at which other nodes reach it.
	 * @return the node name
	 */
	String getNodeName();

	/**
	 * Whether cluster mode is enabled.
	 * @return {@code true} when this node joins a cluster
	 */
	boolean isEnabled();

	/**
	 * Return the other members this node knows, with the state of its link to each.
	 * @return the members, empty on a single node
	 */
	List<ClusterMember> getMembers();

}

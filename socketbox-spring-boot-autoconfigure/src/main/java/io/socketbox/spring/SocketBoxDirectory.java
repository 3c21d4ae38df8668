package io.socketbox.spring;

import java.util.Collection;
import java.util.Map;

/**
 * Every browser connection in the cluster, on every node: its id, the node that holds
 * it, its user and the attributes the application published. Replicated over the peer
 * links; a connection opened or closed on one node shows here on the others within one
 * heartbeat interval while the links are up, and the connections of a node that is
 * detected down or leaves disappear. {@link ConnectionOpenedEvent} and
 * {@link ConnectionClosedEvent} follow every change.
 * <p>
 * On a single node, the directory is the connections of that node.
 */
public interface SocketBoxDirectory {

	/**
	 * Return every connection in the cluster known to this node.
	 * @return a copy, in no particular order
	 */
	Collection<ClusterConnection> getConnections();

	/**
	 * Return the number of connections in the cluster known to this node.
	 * @return the count
	 */
	int getConnectionCount();

	/**
	 * Return the connections of one user, on every node.
	 * @param user the principal name
	 * @return a copy, empty when the user is offline
	 */
	Collection<ClusterConnection> getConnections(String user);

	/**
	 * Whether a user has at least one connection anywhere in the cluster.
	 * @param user the principal name
	 * @return {@code true} when online
	 */
	boolean isOnline(String user);

	/**
	 * Return the number of connections of each node, by node id; nodes without
	 * connections may be left out.
	 * @return a copy
	 */
	Map<String, Integer> getConnectionCounts();

}

package io.socketbox.spring;

import java.util.List;
import java.util.Optional;

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

	/**
	 * Return the other members this node knows, with figures of the link to each. The
	 * default has the members of {@link #getMembers()}, without round-trip times and with
	 * empty resend buffers.
	 * @return the members and their figures, empty on a single node
	 */
	default List<ClusterMemberStatistics> getMemberStatistics() {
		return getMembers().stream()
			.map((member) -> new ClusterMemberStatistics(member.id(), member.name(), member.link(), null, 0))
			.toList();
	}

	/**
	 * Return whether this node is the manager now. With a cache that can compare-and-set
	 * atomically, this turns {@code false} the moment this node's lease runs out, even
	 * between two refreshes. The default compares {@link #getManager()} with this node.
	 * @return whether this node is the manager
	 * @see ManagerChangedEvent
	 */
	default boolean isManager() {
		return getManager().map((manager) -> manager.nodeId().equals(getNodeId())).orElse(false);
	}

	/**
	 * Return the manager node and its fencing token, as this node last saw them: up to
	 * one refresh interval old for another node; for this node, empty as soon as its
	 * lease has run out. The default knows of no manager.
	 * @return the manager, or empty when this node knows of none
	 * @see ManagerChangedEvent
	 */
	default Optional<ClusterManager> getManager() {
		return Optional.empty();
	}

}

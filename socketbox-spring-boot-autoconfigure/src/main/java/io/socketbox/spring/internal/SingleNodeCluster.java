package io.socketbox.spring.internal;

import java.util.List;
import java.util.Optional;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;

/**
 * The {@link SocketBoxCluster} of a node that runs alone. It is always the manager, with
 * fencing token {@code 1}, and publishes no
 * {@link io.socketbox.spring.ManagerChangedEvent}.
 * <p>
 * Internal to SocketBox, public for the auto-configuration; applications inject
 * {@link SocketBoxCluster}.
 */
public final class SingleNodeCluster implements SocketBoxCluster {

	private final LocalNode localNode;

	/**
	 * Create a view of a single node.
	 * @param localNode the node
	 */
	public SingleNodeCluster(LocalNode localNode) {
		this.localNode = localNode;
	}

	@Override
	public String getNodeId() {
		return this.localNode.getId();
	}

	@Override
	public String getNodeName() {
		return this.localNode.getName();
	}

	@Override
	public boolean isEnabled() {
		return false;
	}

	@Override
	public List<ClusterMember> getMembers() {
		return List.of();
	}

	/**
	 * Return {@code true}: a node that runs alone is always the manager.
	 * @return {@code true}
	 */
	@Override
	public boolean isManager() {
		return true;
	}

	/**
	 * Return this node, with fencing token {@code 1}.
	 * @return this node as manager
	 */
	@Override
	public Optional<ClusterManager> getManager() {
		return Optional.of(new ClusterManager(this.localNode.getId(), 1));
	}

}

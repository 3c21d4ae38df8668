package io.socketbox.spring.internal;

import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;

/**
 * The {@link SocketBoxCluster} of a node that runs alone.
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

}

package io.socketbox.spring.actuate;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterMemberStatistics;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessageCounts;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows this node, the other members with the figures of
 * the link to each, the connection counts and the messages this node sent, received and
 * dropped.
 */
@Endpoint(id = "socketbox")
public class SocketBoxEndpoint {

	private final SocketBoxCluster cluster;

	private final SocketBoxMessaging messaging;

	private final @Nullable SocketBoxDirectory directory;

	/**
	 * Create an endpoint.
	 * @param cluster the cluster as this node sees it
	 * @param messaging the messaging of this node, for its figures
	 * @param directory the directory of the cluster's connections, or {@code null}
	 */
	public SocketBoxEndpoint(SocketBoxCluster cluster, SocketBoxMessaging messaging,
			@Nullable SocketBoxDirectory directory) {
		this.cluster = cluster;
		this.messaging = messaging;
		this.directory = directory;
	}

	/**
	 * Describe this node and its view of the cluster.
	 * @return the description
	 */
	@ReadOperation
	public SocketBoxDescriptor socketBox() {
		SocketBoxStatistics statistics = this.messaging.getStatistics();
		Optional<ClusterManager> manager = this.cluster.getManager();
		NodeDescriptor node = new NodeDescriptor(this.cluster.getNodeId(), this.cluster.getNodeName(),
				this.cluster.isEnabled(), this.cluster.isManager(), manager.map(ClusterManager::nodeId).orElse(null));
		List<MemberDescriptor> members = this.cluster.getMemberStatistics().stream().map(MemberDescriptor::of).toList();
		Integer clusterConnections = (this.directory != null) ? this.directory.getConnectionCount() : null;
		ConnectionsDescriptor connections = new ConnectionsDescriptor(statistics.localConnections(),
				clusterConnections);
		ClosedClientsDescriptor closed = new ClosedClientsDescriptor(statistics.slowClientsClosed(),
				statistics.failedClientsClosed(), statistics.tooBigClientsClosed(),
				statistics.protocolErrorClientsClosed());
		return new SocketBoxDescriptor(node, members, connections, statistics.droppedMessages(),
				this.messaging.getMessageCounts(), closed);
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param node this node
	 * @param members the other members, with the figures of the link to each
	 * @param connections the connection counts
	 * @param droppedMessages messages for other nodes dropped since start
	 * @param messages the messages sent and received since start, by kind
	 * @param closedClients browsers closed since start, by reason
	 */
	public record SocketBoxDescriptor(NodeDescriptor node, List<MemberDescriptor> members,
			ConnectionsDescriptor connections, long droppedMessages, SocketBoxMessageCounts messages,
			ClosedClientsDescriptor closedClients) implements OperationResponseBody {

	}

	/**
	 * This node.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param clusterEnabled whether cluster mode is enabled
	 * @param manager whether this node is the manager
	 * @param managerId the id of the manager as this node last saw it, or {@code null}
	 */
	public record NodeDescriptor(String id, String name, boolean clusterEnabled, boolean manager,
			@Nullable String managerId) {

	}

	/**
	 * Another member and the link to it.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param link the state of the link
	 * @param heartbeatRoundTripMillis the round trip of the last answered heartbeat, in
	 * milliseconds, or {@code null} if none was answered yet
	 * @param resendBufferBytes the bytes waiting for the member
	 */
	public record MemberDescriptor(String id, String name, ClusterMember.LinkState link,
			@Nullable Double heartbeatRoundTripMillis, long resendBufferBytes) {

		static MemberDescriptor of(ClusterMemberStatistics member) {
			Double roundTrip = (member.heartbeatRoundTrip() != null)
					? member.heartbeatRoundTrip().toNanos() / 1_000_000.0 : null;
			return new MemberDescriptor(member.id(), member.name(), member.link(), roundTrip,
					member.resendBufferBytes());
		}

	}

	/**
	 * Connection counts.
	 *
	 * @param local the browsers connected to this node
	 * @param cluster the browsers connected to any node, as this node's directory knows
	 * them, or {@code null} without a directory
	 */
	public record ConnectionsDescriptor(int local, @Nullable Integer cluster) {

	}

	/**
	 * Browsers closed since start, by reason.
	 *
	 * @param slow cut off because they did not read fast enough
	 * @param sendFailed cut off because a write to them failed
	 * @param tooBig closed for a message too big
	 * @param protocolError closed for a protocol error
	 */
	public record ClosedClientsDescriptor(long slow, long sendFailed, long tooBig, long protocolError) {

	}

}

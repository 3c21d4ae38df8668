package io.socketbox.sample;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.socketbox.spring.ClusterCall;
import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP side of the sample: a server-side broadcast, this node's view of the cluster, its
 * delivery counters, every connection in the cluster (from this node's directory) and
 * every node's own description (over cluster RPC).
 */
@RestController
@RequestMapping("/api")
class ClusterController {

	private final SocketBoxMessaging messaging;

	private final SocketBoxCluster cluster;

	private final SocketBoxDirectory directory;

	private final ClusterOperations operations;

	private final ClusterCall<NodeOperations.NodeInfo> nodeInfo;

	ClusterController(SocketBoxMessaging messaging, SocketBoxCluster cluster, SocketBoxDirectory directory,
			ClusterOperations operations, @Value("${sample.nodes-timeout:2s}") Duration nodesTimeout) {
		this.messaging = messaging;
		this.cluster = cluster;
		this.directory = directory;
		this.operations = operations;
		this.nodeInfo = ClusterCall.of(NodeOperations.NODE_INFO, NodeOperations.NodeInfo.class)
			.withTimeout(nodesTimeout);
	}

	@PostMapping(path = "/broadcast", consumes = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<Void> broadcast(@RequestBody String text) {
		this.messaging.broadcast(new ChatMessage("server", this.cluster.getNodeName(), text));
		return ResponseEntity.accepted().build();
	}

	@GetMapping("/cluster")
	ClusterView cluster() {
		List<ClusterMember> members = this.cluster.getMembers();
		ManagerView manager = this.cluster.getManager().map((known) -> managerView(known, members)).orElse(null);
		return new ClusterView(this.cluster.getNodeId(), this.cluster.getNodeName(), members, manager,
				this.cluster.isManager());
	}

	private ManagerView managerView(ClusterManager manager, List<ClusterMember> members) {
		String name = manager.nodeId().equals(this.cluster.getNodeId()) ? this.cluster.getNodeName()
				: members.stream()
					.filter((member) -> member.id().equals(manager.nodeId()))
					.map(ClusterMember::name)
					.findFirst()
					.orElse(null);
		return new ManagerView(manager.nodeId(), name, manager.fencingToken());
	}

	@GetMapping("/stats")
	StatsView stats() {
		SocketBoxStatistics statistics = this.messaging.getStatistics();
		return new StatsView(this.cluster.getNodeId(), statistics.droppedMessages(), statistics.localConnections(),
				statistics.slowClientsClosed(), statistics.failedClientsClosed());
	}

	@GetMapping("/connections")
	ConnectionsView connections() {
		List<ConnectionView> connections = this.directory.getConnections()
			.stream()
			.sorted(Comparator.comparing(ClusterConnection::nodeId).thenComparing(ClusterConnection::id))
			.map((connection) -> new ConnectionView(connection.id(), connection.nodeId(), connection.user()))
			.toList();
		return new ConnectionsView(connections);
	}

	@GetMapping("/nodes")
	CompletableFuture<NodesView> nodes() {
		return this.operations.callAll(this.nodeInfo, true)
			.thenApply((results) -> new NodesView(results.values().stream().map(NodeView::of).toList()));
	}

	@GetMapping("/nodes/{id}")
	CompletableFuture<ResponseEntity<NodeView>> node(@PathVariable String id) {
		boolean known = id.equals(this.cluster.getNodeId())
				|| this.cluster.getMembers().stream().anyMatch((member) -> member.id().equals(id));
		if (!known) {
			return CompletableFuture.completedFuture(ResponseEntity.notFound().build());
		}
		return this.operations.call(id, this.nodeInfo).thenApply((result) -> ResponseEntity.ok(NodeView.of(result)));
	}

	/**
	 * This node, the members it knows and the manager.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param members the other members, each with the state of the link to it
	 * @param manager the manager as this node last saw it, or {@code null} when it knows
	 * of none
	 * @param isManager whether this node is the manager
	 */
	record ClusterView(String id, String name, List<ClusterMember> members, @Nullable ManagerView manager,
			@JsonProperty("isManager") boolean isManager) {

	}

	/**
	 * The manager node.
	 *
	 * @param id its node id
	 * @param name its node name, or {@code null} when it is no member this node knows
	 * @param token its fencing token
	 */
	record ManagerView(String id, @Nullable String name, long token) {

	}

	/**
	 * This node's delivery counters.
	 *
	 * @param id the node id
	 * @param droppedMessages messages for other nodes dropped since this node started,
	 * because a link stayed down for longer than the resend window or a resend buffer was
	 * full
	 * @param localConnections the browser connections open on this node
	 * @param slowClientsClosed browsers cut off because they did not read fast enough
	 * @param failedClientsClosed browsers cut off because a write to them failed
	 */
	record StatsView(String id, long droppedMessages, int localConnections, long slowClientsClosed,
			long failedClientsClosed) {

	}

	/**
	 * Every connection in the cluster.
	 *
	 * @param connections the connections, by node id then connection id
	 */
	record ConnectionsView(List<ConnectionView> connections) {

	}

	/**
	 * A connection somewhere in the cluster.
	 *
	 * @param id the connection id
	 * @param node the id of the node that holds it
	 * @param user the user named at the handshake, or {@code null} when anonymous
	 */
	record ConnectionView(String id, String node, @Nullable String user) {

	}

	/**
	 * Every node's answer.
	 *
	 * @param nodes this node first, then the others by id
	 */
	record NodesView(List<NodeView> nodes) {

	}

	/**
	 * A node as it described itself, or only its id and why it did not answer.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param connections the browser connections open on it
	 * @param uptime how long its JVM has run, ISO-8601
	 * @param manager whether it is the manager
	 * @param status {@code OK}, or why there is no answer ({@code TIMED_OUT},
	 * {@code UNREACHABLE}, {@code FAILED}, {@code UNKNOWN_OPERATION})
	 */
	record NodeView(String id, @Nullable String name, @Nullable Integer connections, @Nullable String uptime,
			@Nullable Boolean manager, ClusterCallResult.Status status) {

		static NodeView of(ClusterCallResult<NodeOperations.NodeInfo> result) {
			NodeOperations.NodeInfo info = result.value();
			if (!result.isOk() || info == null) {
				ClusterCallResult.Status status = result.isOk() ? ClusterCallResult.Status.FAILED : result.status();
				return new NodeView(result.nodeId(), null, null, null, null, status);
			}
			return new NodeView(result.nodeId(), info.name(), info.connections(), info.uptime(), info.manager(),
					result.status());
		}

	}

}

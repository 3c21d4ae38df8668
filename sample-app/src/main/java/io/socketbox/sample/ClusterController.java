package io.socketbox.sample;

import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP side of the sample: a server-side broadcast, this node's view of the cluster and
 * its delivery counters.
 */
@RestController
@RequestMapping("/api")
class ClusterController {

	private final SocketBoxMessaging messaging;

	private final SocketBoxCluster cluster;

	ClusterController(SocketBoxMessaging messaging, SocketBoxCluster cluster) {
		this.messaging = messaging;
		this.cluster = cluster;
	}

	@PostMapping(path = "/broadcast", consumes = MediaType.TEXT_PLAIN_VALUE)
	ResponseEntity<Void> broadcast(@RequestBody String text) {
		this.messaging.broadcast(new ChatMessage("server", this.cluster.getNodeName(), text));
		return ResponseEntity.accepted().build();
	}

	@GetMapping("/cluster")
	ClusterView cluster() {
		return new ClusterView(this.cluster.getNodeId(), this.cluster.getNodeName(), this.cluster.getMembers());
	}

	@GetMapping("/stats")
	StatsView stats() {
		SocketBoxStatistics statistics = this.messaging.getStatistics();
		return new StatsView(this.cluster.getNodeId(), statistics.droppedMessages(), statistics.localConnections(),
				statistics.slowClientsClosed(), statistics.failedClientsClosed());
	}

	/**
	 * This node and the members it knows.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param members the other members, each with the state of the link to it
	 */
	record ClusterView(String id, String name, List<ClusterMember> members) {

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

}

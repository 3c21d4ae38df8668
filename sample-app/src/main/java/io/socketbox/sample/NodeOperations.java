package io.socketbox.sample;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxMessaging;

import org.springframework.stereotype.Component;

/**
 * The cluster operation behind {@code GET /api/nodes}: what a node says about itself.
 */
@Component
class NodeOperations {

	static final String NODE_INFO = "sample.node-info";

	private final SocketBoxCluster cluster;

	private final SocketBoxMessaging messaging;

	NodeOperations(SocketBoxCluster cluster, SocketBoxMessaging messaging) {
		this.cluster = cluster;
		this.messaging = messaging;
	}

	@ClusterOperation(NODE_INFO)
	NodeInfo nodeInfo() {
		Duration uptime = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()).withNanos(0);
		return new NodeInfo(this.cluster.getNodeId(), this.cluster.getNodeName(),
				this.messaging.getStatistics().localConnections(), uptime.toString(), this.cluster.isManager());
	}

	/**
	 * A node's description of itself.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param connections the browser connections open on the node
	 * @param uptime how long the node's JVM has run, ISO-8601 ({@code PT1M3S})
	 * @param manager whether the node is the manager now
	 */
	record NodeInfo(String id, String name, int connections, String uptime, boolean manager) {

	}

}

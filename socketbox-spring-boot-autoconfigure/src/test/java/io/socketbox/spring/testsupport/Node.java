package io.socketbox.spring.testsupport;

import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxMessaging;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * A running cluster node.
 *
 * @param context the node's application context
 */
public record Node(ConfigurableApplicationContext context) {

	public int port() {
		return this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	public SocketBoxMessaging messaging() {
		return this.context.getBean(SocketBoxMessaging.class);
	}

	public SocketBoxCluster cluster() {
		return this.context.getBean(SocketBoxCluster.class);
	}

	public String id() {
		return cluster().getNodeId();
	}

	/**
	 * Whether this node has an authenticated link to every given node.
	 * @param others the other nodes
	 * @return whether all links are up
	 */
	public boolean isLinkedTo(Node... others) {
		for (Node other : others) {
			if (!isLinkedTo(other.id())) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether this node has an authenticated link to the member with the given id, a
	 * node or a test's own peer.
	 * @param memberId the id of the member
	 * @return whether the link is up
	 */
	public boolean isLinkedTo(String memberId) {
		return cluster().getMembers()
			.stream()
			.anyMatch((member) -> member.id().equals(memberId) && member.link() == ClusterMember.LinkState.UP);
	}

	/**
	 * Whether every node has an authenticated link to every other.
	 * @param nodes the nodes
	 * @return whether the mesh is complete
	 */
	public static boolean allLinked(List<Node> nodes) {
		return nodes.stream()
			.allMatch((node) -> node.isLinkedTo(nodes.stream().filter((other) -> other != node).toArray(Node[]::new)));
	}

	/**
	 * Return the ids of the members this node knows.
	 * @return the member ids
	 */
	public List<String> memberIds() {
		return cluster().getMembers().stream().map(ClusterMember::id).toList();
	}

	/**
	 * Connect a browser-like client to this node.
	 * @param user the user name, or {@code null} for an anonymous client
	 * @return the client, after it has received its connection id
	 */
	public ConnectedClient connect(String user) {
		String query = (user != null) ? "?user=" + user : "";
		TestClient client = TestClient.connect("ws://127.0.0.1:" + port() + "/ws" + query);
		String id = client.awaitMessageStartingWith(TestNodeApplication.ID_PREFIX)
			.substring(TestNodeApplication.ID_PREFIX.length());
		return new ConnectedClient(id, client);
	}

	public void stop() {
		this.context.close();
	}

	/**
	 * A client with its cluster-wide connection id.
	 *
	 * @param id the connection id
	 * @param client the client
	 */
	public record ConnectedClient(String id, TestClient client) {

	}

}

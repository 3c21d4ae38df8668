package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;

import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real nodes on an embedded Redis server, with two watching browsers on each (one
 * of them signed in as {@link #USER} on each node), started once for a class of
 * properties. After each try, {@link #assertUnharmed()} shows that nobody but the
 * sender was hurt: a marker broadcast from each node reaches every watcher, the link
 * between the nodes never went down, and no message between them was dropped.
 */
final class FuzzCluster implements AutoCloseable {

	/**
	 * The user of one watcher on each node.
	 */
	static final String USER = "fuzz-user";

	private static final Duration WAIT = Duration.ofSeconds(10);

	/**
	 * Limits small enough to be reached quickly: the browsers' text message size, the
	 * send buffer of each connection and the frame size of the links.
	 */
	static final int MAX_TEXT_MESSAGE_SIZE = 4096;

	static final int SEND_BUFFER_SIZE_LIMIT = 8192;

	static final int MAX_FRAME_SIZE = 32768;

	static final String[] SMALL_LIMITS = { "socketbox.max-text-message-size=" + MAX_TEXT_MESSAGE_SIZE + "B",
			"socketbox.send-buffer-size-limit=" + SEND_BUFFER_SIZE_LIMIT + "B",
			"socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B" };

	private final EmbeddedRedis redis;

	private final ClusterNodes nodes;

	private final Node nodeA;

	private final Node nodeB;

	private final List<ConnectedClient> watchers = new ArrayList<>();

	private final List<Runnable> linkDownChecks = new ArrayList<>();

	private final AtomicInteger markers = new AtomicInteger();

	private FuzzCluster(String... properties) {
		this.redis = EmbeddedRedis.startNew();
		this.nodes = new ClusterNodes(this.redis.getPort(), "fuzz-" + UUID.randomUUID() + ":", properties);
		this.nodeA = this.nodes.start();
		this.nodeB = this.nodes.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> Node.allLinked(List.of(this.nodeA, this.nodeB)));
		watchLinkDowns(this.nodeA, this.nodeB);
		watchLinkDowns(this.nodeB, this.nodeA);
		this.watchers.add(this.nodeA.connect(USER));
		this.watchers.add(this.nodeA.connect(null));
		this.watchers.add(this.nodeB.connect(USER));
		this.watchers.add(this.nodeB.connect(null));
	}

	/**
	 * Start the cluster.
	 * @param properties properties of both nodes
	 * @return the running cluster
	 */
	static FuzzCluster start(String... properties) {
		return new FuzzCluster(properties);
	}

	Node nodeA() {
		return this.nodeA;
	}

	Node nodeB() {
		return this.nodeB;
	}

	/**
	 * Return the watchers: the signed-in one on node A, the anonymous one on A, then
	 * the same on node B.
	 * @return the watchers
	 */
	List<ConnectedClient> watchers() {
		return this.watchers;
	}

	/**
	 * Return how many messages each watcher has received so far, to find what a try
	 * delivered.
	 * @return the counts, in the order of {@link #watchers()}
	 */
	List<Integer> received() {
		return this.watchers.stream().map((watcher) -> watcher.client().messages().size()).toList();
	}

	/**
	 * Broadcast a marker from each node and wait until every watcher and every given
	 * client has both; then check that the link between the nodes stayed up throughout,
	 * that neither node dropped a message for the other and that no watcher was cut off.
	 * @param others more clients that must still receive
	 */
	void assertUnharmed(ConnectedClient... others) {
		assertUnharmed(true, others);
	}

	/**
	 * As {@link #assertUnharmed(ConnectedClient...)}, optionally without the check of
	 * node A's dropped messages: frames that A queued for a fake peer whose link was
	 * closed are dropped, and counted, as they should be.
	 * @param countDropsOfA whether node A must not have dropped a message
	 * @param others more clients that must still receive
	 */
	void assertUnharmed(boolean countDropsOfA, ConnectedClient... others) {
		int number = this.markers.incrementAndGet();
		String fromA = "marker-a-" + number;
		String fromB = "marker-b-" + number;
		this.nodeA.messaging().broadcast(fromA);
		this.nodeB.messaging().broadcast(fromB);
		List<ConnectedClient> all = new ArrayList<>(this.watchers);
		all.addAll(List.of(others));
		for (ConnectedClient client : all) {
			await().atMost(WAIT)
				.pollInterval(Duration.ofMillis(2))
				.until(() -> client.client().count(fromA) == 1 && client.client().count(fromB) == 1);
			assertThat(client.client().isOpen()).as("%s open", client.id()).isTrue();
		}
		this.linkDownChecks.forEach(Runnable::run);
		assertThat(this.nodeA.isLinkedTo(this.nodeB)).isTrue();
		assertThat(this.nodeB.isLinkedTo(this.nodeA)).isTrue();
		if (countDropsOfA) {
			assertThat(messaging(this.nodeA).getDroppedMessages()).as("dropped by node A").isZero();
		}
		assertThat(messaging(this.nodeB).getDroppedMessages()).as("dropped by node B").isZero();
		for (Node node : List.of(this.nodeA, this.nodeB)) {
			LocalConnections connections = node.context().getBean(LocalConnections.class);
			// A hostile sender that vanished may fail a write; nobody who reads is slow
			assertThat(connections.getSlowClientsClosed()).as("slow clients closed").isZero();
		}
	}

	private static ClusterMessaging messaging(Node node) {
		return (ClusterMessaging) node.messaging();
	}

	/**
	 * Check later that the link from one node to the other was never lost; a link that
	 * closes and comes back between two checks of its state would otherwise go unseen.
	 */
	private void watchLinkDowns(Node node, Node other) {
		Peers peers = (Peers) ReflectionTestUtils.getField(messaging(node), "peers");
		PeerChannel channel = peers.get(other.id());
		assertThat(channel).isNotNull();
		long linksLost = channel.linksLost();
		this.linkDownChecks.add(() -> {
			assertThat(peers.get(other.id())).as("channel between the real nodes").isSameAs(channel);
			assertThat(channel.linksLost() - linksLost).as("link downs between the real nodes").isZero();
		});
	}

	@Override
	public void close() {
		this.watchers.forEach((watcher) -> watcher.client().close());
		this.nodes.close();
		this.redis.close();
	}

}

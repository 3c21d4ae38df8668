package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionClosedEvent;
import io.socketbox.spring.ConnectionOpenedEvent;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TcpProxy;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection directory on real in-JVM nodes: what opens and closes on one node is
 * visible on the others within one heartbeat interval, with one event each; a node that
 * leaves or whose links are cut loses its connections elsewhere, and the views converge
 * when the link heals; a send to a user goes only to the nodes that hold that user.
 */
class DirectoryIntegrationTests {

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

	/** Slack for a loaded two-core machine running three nodes. */
	private static final Duration SLACK = Duration.ofMillis(500);

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private final List<TcpProxy> proxies = new ArrayList<>();

	private final Map<Node, List<String>> events = new ConcurrentHashMap<>();

	@BeforeEach
	void create(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":",
				"socketbox.cluster.heartbeat-interval=" + HEARTBEAT_INTERVAL.toMillis() + "ms",
				"socketbox.cluster.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toMillis() + "ms");
	}

	@AfterEach
	void stop() {
		this.nodes.close();
		this.proxies.forEach(TcpProxy::close);
	}

	@Test
	void openAndCloseAreVisibleOnEveryNodeWithinOneHeartbeatInterval() {
		List<Node> all = startLinked(3);
		Node a = all.get(0);
		long connectedAt = System.nanoTime();
		ConnectedClient client = a.connect("ann");
		awaitOnAll(all, HEARTBEAT_INTERVAL.plus(SLACK), (directory) -> directory.isOnline("ann"));
		System.out.println("Connection visible on every node after " + since(connectedAt).toMillis() + " ms");
		for (Node node : all) {
			assertThat(directory(node).getConnections("ann")).singleElement()
				.satisfies((connection) -> assertThat(connection.nodeId()).isEqualTo(a.id()));
			assertThat(directory(node).getConnectionCounts()).containsExactly(Map.entry(a.id(), 1));
		}
		long closedAt = System.nanoTime();
		client.client().close();
		awaitOnAll(all, HEARTBEAT_INTERVAL.plus(SLACK), (directory) -> !directory.isOnline("ann"));
		System.out.println("Close visible on every node after " + since(closedAt).toMillis() + " ms");
		for (Node node : all) {
			await().atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(this.events.get(node)).containsExactly("opened " + client.id(),
						"closed " + client.id()));
		}
	}

	@Test
	void aSlowPresenceListenerHoldsUpNeitherTheLinkNorMessages() throws Exception {
		List<Node> all = startLinked(2);
		Node a = all.get(0);
		Node b = all.get(1);
		ConnectedClient onB = b.connect("bob");
		CountDownLatch listening = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		b.context().addApplicationListener((ApplicationListener<ConnectionOpenedEvent>) (event) -> {
			if ("ann".equals(event.getConnection().user())) {
				listening.countDown();
				awaitQuietly(release);
			}
		});
		try {
			a.connect("ann");
			assertThat(listening.await(10, TimeUnit.SECONDS)).isTrue();
			// The listener blocks for longer than the heartbeat timeout: the link stays up
			await().during(HEARTBEAT_TIMEOUT.plus(SLACK))
				.atMost(HEARTBEAT_TIMEOUT.multipliedBy(3))
				.until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
			a.messaging().broadcast("while-listener-blocks");
			onB.client().awaitMessageStartingWith("while-listener-blocks");
			assertThat(directory(b).isOnline("ann")).isTrue();
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aNodeThatJoinsLaterGetsASnapshotAndANodeThatLeavesTakesItsConnections() {
		List<Node> all = startLinked(2);
		ConnectedClient ann = all.get(0).connect("ann");
		ConnectedClient bob = all.get(1).connect("bob");
		Node c = listen(this.nodes.start());
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(all.get(0), all.get(1), c)));
		await().atMost(HEARTBEAT_INTERVAL.plus(SLACK))
			.until(() -> ids(directory(c)).equals(Set.of(ann.id(), bob.id())));
		long stoppedAt = System.nanoTime();
		all.get(1).stop();
		await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> ids(directory(c)).equals(Set.of(ann.id())));
		System.out.println("Connections of a node that left gone after " + since(stoppedAt).toMillis() + " ms");
		assertThat(this.events.get(c)).containsExactlyInAnyOrder("opened " + ann.id(), "opened " + bob.id(),
				"closed " + bob.id());
	}

	@Test
	void aCutLinkLosesTheConnectionsAfterDetectionAndTheViewsConvergeWhenItHeals() {
		TcpProxy proxyA = new TcpProxy();
		TcpProxy proxyB = new TcpProxy();
		this.proxies.addAll(List.of(proxyA, proxyB));
		Node a = startBehind(proxyA);
		Node b = startBehind(proxyB);
		await().atMost(Duration.ofSeconds(15)).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		ConnectedClient ann = a.connect("ann");
		await().atMost(HEARTBEAT_INTERVAL.plus(SLACK)).until(() -> directory(b).isOnline("ann"));
		long cutAt = System.nanoTime();
		proxyA.cut();
		proxyB.cut();
		// Detection: the heartbeat timeout, then the next sweep
		await().atMost(HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plus(SLACK).plus(SLACK))
			.until(() -> !directory(b).isOnline("ann"));
		System.out.println("Connections behind a cut link gone after " + since(cutAt).toMillis() + " ms");
		// Changes during the partition reach the other side when it heals
		ConnectedClient bob = a.connect("bob");
		ann.client().close();
		await().atMost(Duration.ofSeconds(2)).until(() -> !directory(a).isOnline("ann"));
		long restoredAt = System.nanoTime();
		proxyA.restore();
		proxyB.restore();
		await().atMost(Duration.ofSeconds(15)).until(() -> ids(directory(b)).equals(Set.of(bob.id())));
		System.out.println("Views converged " + since(restoredAt).toMillis() + " ms after the link healed");
		assertThat(ids(directory(a))).isEqualTo(ids(directory(b)));
		assertThat(this.events.get(b)).containsExactly("opened " + ann.id(), "closed " + ann.id(),
				"opened " + bob.id());
	}

	@Test
	void sendToUserGoesOnlyToTheNodesThatHoldTheUser() {
		List<Node> all = startLinked(3);
		Node a = all.get(0);
		Node b = all.get(1);
		Node c = all.get(2);
		ConnectedClient ann = b.connect("ann");
		awaitOnAll(all, HEARTBEAT_INTERVAL.plus(SLACK), (directory) -> directory.isOnline("ann"));
		long askedB = messaging(b).getUserRequestsReceived();
		long askedC = messaging(c).getUserRequestsReceived();
		assertThat(a.messaging().sendToUser("ann", "hello").join()).isOne();
		ann.client().awaitMessageStartingWith("hello");
		assertThat(messaging(b).getUserRequestsReceived()).isEqualTo(askedB + 1);
		assertThat(messaging(c).getUserRequestsReceived()).isEqualTo(askedC);
		assertThat(a.messaging().sendToUser("nobody", "hello").join()).isZero();
		assertThat(messaging(b).getUserRequestsReceived()).isEqualTo(askedB + 1);
		assertThat(messaging(c).getUserRequestsReceived()).isEqualTo(askedC);
	}

	private List<Node> startLinked(int count) {
		List<Node> started = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			started.add(listen(this.nodes.start()));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> Node.allLinked(started));
		return started;
	}

	private Node startBehind(TcpProxy proxy) {
		Node node = listen(this.nodes.start("socketbox.cluster.name=ws://127.0.0.1:" + proxy.getPort()
				+ "/socketbox/cluster"));
		proxy.setTarget(node.port());
		return node;
	}

	private Node listen(Node node) {
		List<String> received = new CopyOnWriteArrayList<>();
		this.events.put(node, received);
		node.context().addApplicationListener((ApplicationListener<ApplicationEvent>) (event) -> {
			if (event instanceof ConnectionOpenedEvent opened) {
				received.add("opened " + opened.getConnection().id());
			}
			else if (event instanceof ConnectionClosedEvent closed) {
				received.add("closed " + closed.getConnection().id());
			}
		});
		return node;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitOnAll(List<Node> all, Duration atMost,
			java.util.function.Predicate<SocketBoxDirectory> condition) {
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> all.stream().allMatch((node) -> condition.test(directory(node))));
	}

	private static SocketBoxDirectory directory(Node node) {
		return node.context().getBean(SocketBoxDirectory.class);
	}

	private static ClusterMessaging messaging(Node node) {
		return node.context().getBean(ClusterMessaging.class);
	}

	private static Set<String> ids(SocketBoxDirectory directory) {
		return directory.getConnections().stream().map(ClusterConnection::id).collect(Collectors.toSet());
	}

	private static Duration since(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos);
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.NumberedStream;
import io.socketbox.spring.testsupport.RedisTemplates;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on random ports share a real Redis server and deliver to real WebSocket
 * clients.
 */
class ClusterIntegrationTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private Node node1;

	private Node node2;

	private Node node3;

	private String prefix;

	@BeforeEach
	void startCluster(TestInfo testInfo) {
		this.prefix = testInfo.getTestMethod().orElseThrow().getName() + ":";
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix);
		this.node1 = this.nodes.start();
		this.node2 = this.nodes.start();
		this.node3 = this.nodes.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.node1.isLinkedTo(this.node2, this.node3) && this.node2.isLinkedTo(this.node1, this.node3)
					&& this.node3.isLinkedTo(this.node1, this.node2));
	}

	@AfterEach
	void stopCluster() {
		this.nodes.close();
	}

	@Test
	void broadcastReachesEveryClientOnEveryNodeExactlyOnce() {
		List<Node> all = List.of(this.node1, this.node2, this.node3);
		List<ConnectedClient> clients = all.stream()
			.flatMap((node) -> Stream.of(node.connect(null), node.connect(null)))
			.toList();
		for (int i = 0; i < all.size(); i++) {
			for (int n = 0; n < 20; n++) {
				all.get(i).messaging().broadcast("from-" + i + "-" + n);
			}
			// Each path is ordered: once the end marker arrived, so did all copies before it
			all.get(i).messaging().broadcast("end-" + i);
		}
		for (ConnectedClient connected : clients) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Stream.of("end-0", "end-1", "end-2").allMatch((end) -> connected.client().count(end) > 0));
			for (int i = 0; i < all.size(); i++) {
				for (int n = 0; n < 20; n++) {
					assertThat(connected.client().count("from-" + i + "-" + n)).as("copies of from-%d-%d", i, n)
						.isOne();
				}
				assertThat(connected.client().count("end-" + i)).isOne();
			}
		}
	}

	@Test
	void whatOnConnectSendsArrivesBeforeAnyBroadcast() {
		try (NumberedStream stream = NumberedStream.start(this.node2.messaging(), "n:", Duration.ofMillis(1))) {
			for (int i = 0; i < 20; i++) {
				ConnectedClient client = this.node1.connect(null);
				assertThat(client.client().messages().get(0)).startsWith(TestNodeApplication.ID_PREFIX);
				client.client().close();
			}
			assertThat(stream.sent()).isPositive();
		}
	}

	@Test
	void clientThatHasSeenWhatOnConnectSentGetsEveryLaterBroadcast() {
		for (int i = 0; i < 20; i++) {
			try (TestClient client = TestClient.connect("ws://127.0.0.1:" + this.node1.port() + "/ws")) {
				// React as fast as a browser would to the first message
				await().pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(1))
					.atMost(Duration.ofSeconds(10))
					.until(() -> !client.messages().isEmpty());
				this.node1.messaging().broadcast("after-id-" + i);
				client.awaitMessageStartingWith("after-id-" + i);
			}
		}
	}

	@Test
	void directSendCrossesNodesAndReachesOnlyItsTarget() throws Exception {
		ConnectedClient target = this.node3.connect(null);
		ConnectedClient bystander = this.node3.connect(null);
		ConnectedClient other = this.node2.connect(null);
		assertThat(LocalNode.nodeIdOf(target.id())).isEqualTo(this.node3.id());
		SendResult result = this.node1.messaging().send(target.id(), "direct-1").get(10, TimeUnit.SECONDS);
		assertThat(result).isEqualTo(SendResult.DELIVERED);
		target.client().awaitMessageStartingWith("direct-1");
		this.node1.messaging().broadcast("end");
		bystander.client().awaitMessageStartingWith("end");
		other.client().awaitMessageStartingWith("end");
		assertThat(bystander.client().messages()).doesNotContain("direct-1");
		assertThat(other.client().messages()).doesNotContain("direct-1");
	}

	@Test
	void sendToClosedOrUnknownConnectionTellsTheCaller() throws Exception {
		ConnectedClient gone = this.node2.connect(null);
		gone.client().close();
		await().until(() -> this.node2.messaging().getLocalConnections().isEmpty());
		assertThat(this.node1.messaging().send(gone.id(), "late").get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.UNKNOWN_CONNECTION);
		assertThat(this.node1.messaging().send("nosuchnode.1", "lost").get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.NODE_UNREACHABLE);
		assertThat(this.node1.messaging().send("not-an-id", "lost").get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.UNKNOWN_CONNECTION);
	}

	@Test
	void sendToUserReachesEveryConnectionOfThatUser() throws Exception {
		ConnectedClient aliceOn1 = this.node1.connect("alice");
		ConnectedClient aliceOn3 = this.node3.connect("alice");
		ConnectedClient bobOn3 = this.node3.connect("bob");
		int count = this.node2.messaging().sendToUser("alice", "for-alice").get(10, TimeUnit.SECONDS);
		assertThat(count).isEqualTo(2);
		aliceOn1.client().awaitMessageStartingWith("for-alice");
		aliceOn3.client().awaitMessageStartingWith("for-alice");
		this.node2.messaging().broadcast("end");
		bobOn3.client().awaitMessageStartingWith("end");
		assertThat(bobOn3.client().messages()).doesNotContain("for-alice");
	}

	@Test
	void restRequestOnOneNodeReachesClientOnAnother() {
		ConnectedClient client = this.node1.connect(null);
		String result = RestClient.create("http://127.0.0.1:" + this.node2.port())
			.post()
			.uri("/notify?to={id}", client.id())
			.body("from-rest")
			.retrieve()
			.body(String.class);
		assertThat(result).contains("DELIVERED");
		client.client().awaitMessageStartingWith("from-rest");
	}

	@Test
	void stoppedNodeLeavesTheMembershipOfTheOthers() {
		String stoppedId = this.node3.id();
		this.node3.stop();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Stream.of(this.node1, this.node2)
				.allMatch((node) -> node.cluster().getMembers().stream().noneMatch((m) -> m.id().equals(stoppedId))));
		try (RedisTemplates redisTemplates = RedisTemplates.connect(redis.getPort())) {
			StringRedisTemplate template = redisTemplates.template();
			assertThat(template.opsForSet().members(this.prefix + "socketbox:members"))
				.containsExactlyInAnyOrder(this.node1.id(), this.node2.id());
			assertThat(template.hasKey(this.prefix + "socketbox:member:" + stoppedId)).isFalse();
		}
	}

	@Test
	void nodeThatJoinsLinksToEveryMemberWithoutWaitingForTheirRefresh() {
		this.nodes.close();
		// Only the first refresh of each node falls within the test
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix + "join:", "socketbox.cluster.refresh-interval=1m",
				"socketbox.cluster.member-timeout=5m");
		Node first = this.nodes.start();
		Node second = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(List.of(first, second)));
		Node joining = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(List.of(first, second, joining)));
	}

	@Test
	void tenNodesJoiningAtOnceAllFindEachOther() {
		this.nodes.close();
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix + "ten:");
		List<Node> ten = this.nodes.startJoiningAtOnce(10);
		await().atMost(Duration.ofSeconds(20)).until(() -> Node.allLinked(ten));
	}

}

package io.socketbox.spring.internal.stomp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.internal.stomp.StompTestClient.Subscription;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.NodeProcess;

import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpSubscription;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * User destinations across nodes with real STOMP clients, whose user is the
 * {@code login} of their CONNECT frame ({@link StompUserTestConfiguration}):
 * {@code convertAndSendToUser} on any node reaches every session of the user on every
 * node once, and the {@link SimpUserRegistry} of every node lists the users, sessions
 * and subscriptions of the whole cluster.
 */
class StompUserDestinationTests {

	private static final String DIRECT = "/user/queue/direct";

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private String cachePrefix;

	private final List<StompTestClient> clients = new ArrayList<>();

	@BeforeEach
	void createNodes(TestInfo testInfo) {
		this.cachePrefix = "stomp-users-" + testInfo.getTestMethod().orElseThrow().getName() + ":";
		this.nodes = new ClusterNodes(redis.getPort(), this.cachePrefix,
				"spring.main.sources=" + StompUserTestConfiguration.class.getName());
	}

	@AfterEach
	void stop() {
		this.clients.forEach(StompTestClient::close);
		this.nodes.close();
	}

	@Test
	void convertAndSendToUserOnTheSecondNodeReachesEverySessionOfTheUserOnTheOtherNodesOnce() {
		List<Node> cluster = start(3);
		Joined aliceOnFirst = join(cluster, cluster.get(0), "alice");
		Joined aliceOnThird = join(cluster, cluster.get(2), "alice");
		Joined bobOnFirst = join(cluster, cluster.get(0), "bob");
		Joined bobOnThird = join(cluster, cluster.get(2), "bob");
		SimpMessagingTemplate template = cluster.get(1).context().getBean(SimpMessagingTemplate.class);
		List<String> sent = IntStream.rangeClosed(1, 100).mapToObj((i) -> "a" + i).toList();
		sent.forEach((text) -> template.convertAndSendToUser("alice", "/queue/direct", text));
		template.convertAndSendToUser("alice", "/queue/direct", "end");
		template.convertAndSendToUser("bob", "/queue/direct", "for bob");
		List<String> expected = new ArrayList<>(sent);
		expected.add("end");
		for (Joined alice : List.of(aliceOnFirst, aliceOnThird)) {
			alice.subscription().awaitMessages(expected.size());
		}
		for (Joined bob : List.of(bobOnFirst, bobOnThird)) {
			bob.subscription().awaitMessages(1);
		}
		// The publish order is not preserved (see StompUserTestConfiguration): each once,
		// in any order; a duplicate would have come before bob's last message
		for (Joined alice : List.of(aliceOnFirst, aliceOnThird)) {
			assertThat(alice.subscription().messages()).containsExactlyInAnyOrderElementsOf(expected);
			assertThat(alice.subscription().headers())
				.allSatisfy((headers) -> assertThat(headers.getDestination()).isEqualTo(DIRECT));
		}
		for (Joined bob : List.of(bobOnFirst, bobOnThird)) {
			assertThat(bob.subscription().messages()).containsExactly("for bob");
		}
		// One forwarded message per session on another node: 101 for alice, 1 for bob, to
		// each of the two nodes
		assertThat(StompClusterIntegrationTests.broker(cluster.get(1)).getForwardedMessages()).isEqualTo(2 * 102);
		assertThat(StompClusterIntegrationTests.broker(cluster.get(0)).getReceivedMessages()).isEqualTo(102);
		assertThat(StompClusterIntegrationTests.broker(cluster.get(2)).getReceivedMessages()).isEqualTo(102);
	}

	@Test
	void aUserConnectedTwiceOnOneNodeAndOnceOnAnotherGetsEachMessageOnceInEverySession() {
		List<Node> cluster = start(2);
		Joined first = join(cluster, cluster.get(0), "alice");
		Joined second = join(cluster, cluster.get(0), "alice");
		Joined remote = join(cluster, cluster.get(1), "alice");
		assertThat(registry(cluster.get(1)).getUser("alice").getSessions()).extracting(SimpSession::getId)
			.containsExactlyInAnyOrder(first.sessionId(), second.sessionId(), remote.sessionId());
		cluster.get(1).context().getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/direct",
				"from the second node");
		cluster.get(0).context().getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/direct",
				"from the first node");
		for (Joined session : List.of(first, second, remote)) {
			session.subscription().awaitMessages(2);
		}
		// A third message, so that a duplicate of either would have arrived by then
		cluster.get(1).context().getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/direct",
				"last");
		for (Joined session : List.of(first, second, remote)) {
			session.subscription().awaitMessages(3);
			assertThat(session.subscription().messages().subList(0, 2))
				.containsExactlyInAnyOrder("from the second node", "from the first node");
			assertThat(session.subscription().messages()).hasSize(3).endsWith("last");
		}
		// Two sessions on the first node, one on the second: a message from either node
		// travels once per remote session
		assertThat(StompClusterIntegrationTests.broker(cluster.get(0)).getReceivedMessages()).isEqualTo(4);
		assertThat(StompClusterIntegrationTests.broker(cluster.get(1)).getReceivedMessages()).isEqualTo(1);
	}

	@Test
	void aClientSendingToAnotherUsersDestinationReachesThatUserOnAnotherNode() {
		List<Node> cluster = start(2);
		Joined bob = join(cluster, cluster.get(1), "bob");
		StompTestClient alice = connect(cluster.get(0), "alice");
		alice.send("/user/bob/queue/direct", "hi bob");
		bob.subscription().awaitMessages(1);
		assertThat(bob.subscription().messages()).containsExactly("hi bob");
	}

	@Test
	void theRegistryOfEveryNodeListsTheWholeClusterAndConvergesAfterADisconnectAndANodeLeaving() {
		List<Node> cluster = start(3);
		Joined aliceOnFirst = join(cluster, cluster.get(0), "alice");
		Subscription chat = aliceOnFirst.client().subscribe("/topic/chat");
		Joined bob = join(cluster, cluster.get(1), "bob");
		Joined carol = join(cluster, cluster.get(2), "carol");
		Joined aliceOnThird = join(cluster, cluster.get(2), "alice");
		for (Node node : cluster) {
			SimpUserRegistry registry = registry(node);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> subscriptionsOf(registry, "alice", aliceOnFirst.sessionId()).size() == 2);
			assertThat(registry.getUserCount()).isEqualTo(3);
			assertThat(registry.getUsers()).extracting(SimpUser::getName)
				.containsExactlyInAnyOrder("alice", "bob", "carol");
			assertThat(registry.getUser("alice").getSessions()).extracting(SimpSession::getId)
				.containsExactlyInAnyOrder(aliceOnFirst.sessionId(), aliceOnThird.sessionId());
			assertThat(subscriptionsOf(registry, "alice", aliceOnFirst.sessionId())).containsExactlyInAnyOrder(DIRECT,
					"/topic/chat");
			assertThat(subscriptionsOf(registry, "carol", carol.sessionId())).containsExactly(DIRECT);
			assertThat(registry.findSubscriptions((subscription) -> DIRECT.equals(subscription.getDestination())))
				.extracting((subscription) -> subscription.getSession().getId())
				.containsExactlyInAnyOrder(aliceOnFirst.sessionId(), bob.sessionId(), carol.sessionId(),
						aliceOnThird.sessionId());
			assertThat(registry.findSubscriptions((subscription) -> "/topic/chat".equals(subscription.getDestination())))
				.singleElement()
				.satisfies((subscription) -> {
					assertThat(subscription.getSession().getId()).isEqualTo(aliceOnFirst.sessionId());
					assertThat(subscription.getSession().getUser().getName()).isEqualTo("alice");
				});
			assertThat(registry.getUser("nobody")).isNull();
		}
		chat.unsubscribe();
		bob.client().close();
		this.clients.remove(bob.client());
		for (Node node : cluster) {
			SimpUserRegistry registry = registry(node);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> names(registry).equals(Set.of("alice", "carol"))
						&& subscriptionsOf(registry, "alice", aliceOnFirst.sessionId()).equals(Set.of(DIRECT)));
			assertThat(registry.getUserCount()).isEqualTo(2);
			assertThat(registry.getUser("bob")).isNull();
		}
		cluster.get(2).stop();
		for (Node node : cluster.subList(0, 2)) {
			SimpUserRegistry registry = registry(node);
			await().atMost(Duration.ofSeconds(15)).until(() -> names(registry).equals(Set.of("alice")));
			assertThat(registry.getUserCount()).isEqualTo(1);
			assertThat(registry.getUser("alice").getSessions()).extracting(SimpSession::getId)
				.containsExactly(aliceOnFirst.sessionId());
			assertThat(registry.getUser("carol")).isNull();
		}
	}

	@Test
	void aNodeThatStartsLaterLearnsTheUsersOfTheOthers() {
		Node first = this.nodes.start();
		Joined alice = join(List.of(first), first, "alice");
		Node second = this.nodes.start();
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(first, second)));
		SimpUserRegistry registry = registry(second);
		await().atMost(Duration.ofSeconds(10)).until(() -> registry.getUser("alice") != null);
		assertThat(registry.getUser("alice").getSessions()).extracting(SimpSession::getId)
			.containsExactly(alice.sessionId());
		StompClusterIntegrationTests.awaitInterest(second, first, "/queue/direct-user" + alice.sessionId());
		second.context().getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/direct", "hello");
		alice.subscription().awaitMessages(1);
		assertThat(alice.subscription().messages()).containsExactly("hello");
	}

	@Test
	void theUsersOfAKilledNodeVanishOnceItIsDetectedDown() throws Exception {
		String[] fastExpiry = { "socketbox.cluster.refresh-interval=200ms", "socketbox.cluster.member-timeout=2s" };
		Node local = this.nodes.start(fastExpiry);
		Joined bob = join(List.of(local), local, "bob");
		Path logs = Files.createDirectories(Path.of("target", "process-logs"));
		try (NodeProcess process = NodeProcess.start(logs.resolve("stomp-users-killed.log"), Map.of(),
				List.of("socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + ClusterNodes.SECRET,
						"socketbox.cluster.host=127.0.0.1", "socketbox.cluster.cache-prefix=" + this.cachePrefix,
						fastExpiry[0], fastExpiry[1], "socketbox.cache.type=redis", "spring.data.redis.host=127.0.0.1",
						"spring.data.redis.port=" + redis.getPort(),
						"spring.main.sources=" + StompUserTestConfiguration.class.getName()))) {
			StompTestClient alice = StompTestClient.connect(process.port(), "alice");
			this.clients.add(alice);
			Subscription direct = alice.subscribe(DIRECT);
			SimpUserRegistry registry = registry(local);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> registry.getUser("alice") != null && registry.getUser("alice")
					.getSessions()
					.stream()
					.anyMatch((session) -> !session.getSubscriptions().isEmpty()));
			String aliceSession = registry.getUser("alice").getSessions().iterator().next().getId();
			String peerId = local.memberIds().stream().filter((id) -> !id.equals(local.id())).findFirst().orElseThrow();
			ClusterStompBroker broker = StompClusterIntegrationTests.broker(local);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> broker.getPeerSubscriptions(peerId).contains("/queue/direct-user" + aliceSession));
			local.context().getBean(SimpMessagingTemplate.class).convertAndSendToUser("alice", "/queue/direct", "before");
			direct.awaitMessages(1);
			assertThat(names(registry)).containsExactlyInAnyOrder("alice", "bob");
			process.kill();
			long killedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(15)).until(() -> names(registry).equals(Set.of("bob")));
			System.out.printf("[stomp users] a killed node's users left the registry %d ms after the kill "
					+ "(member-timeout 2 s)%n", Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
			assertThat(registry.getUserCount()).isEqualTo(1);
			assertThat(registry.getUser("alice")).isNull();
			assertThat(registry.getUser("bob").getSessions()).extracting(SimpSession::getId)
				.containsExactly(bob.sessionId());
		}
	}

	private List<Node> start(int count) {
		List<Node> started = IntStream.range(0, count).mapToObj((i) -> this.nodes.start()).toList();
		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).until(() -> Node.allLinked(started));
		return started;
	}

	/**
	 * Connect a user to a node and subscribe it to {@link #DIRECT}; wait until every node
	 * lists the session and knows that the node subscribes to its session-specific
	 * destination.
	 */
	private Joined join(List<Node> cluster, Node node, String user) {
		SimpUserRegistry local = ((ClusterSimpUserRegistry) registry(node)).getLocalRegistry();
		Set<String> before = sessionIds(local, user);
		StompTestClient client = connect(node, user);
		Subscription subscription = client.subscribe(DIRECT);
		String sessionId = await().atMost(Duration.ofSeconds(10)).until(() -> {
			Set<String> added = sessionIds(local, user);
			added.removeAll(before);
			return (added.size() == 1) ? added.iterator().next() : null;
		}, (id) -> id != null);
		String destination = "/queue/direct-user" + sessionId;
		for (Node other : cluster) {
			if (other != node) {
				StompClusterIntegrationTests.awaitInterest(other, node, destination);
				SimpUserRegistry registry = registry(other);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.getUser(user) != null && registry.getUser(user).getSession(sessionId) != null);
			}
		}
		return new Joined(node, user, sessionId, client, subscription);
	}

	private StompTestClient connect(Node node, String user) {
		StompTestClient client = StompTestClient.connect(node.port(), user);
		this.clients.add(client);
		return client;
	}

	static SimpUserRegistry registry(Node node) {
		SimpUserRegistry registry = node.context().getBean(SimpUserRegistry.class);
		assertThat(registry).isInstanceOf(ClusterSimpUserRegistry.class);
		return registry;
	}

	private static Set<String> sessionIds(SimpUserRegistry registry, String user) {
		SimpUser simpUser = registry.getUser(user);
		return (simpUser != null) ? simpUser.getSessions().stream()
			.filter((session) -> !session.getSubscriptions().isEmpty())
			.map(SimpSession::getId)
			.collect(Collectors.toCollection(HashSet::new)) : new HashSet<>();
	}

	private static Set<String> names(SimpUserRegistry registry) {
		return registry.getUsers().stream().map(SimpUser::getName).collect(Collectors.toSet());
	}

	private static Set<String> subscriptionsOf(SimpUserRegistry registry, String user, String sessionId) {
		SimpUser simpUser = registry.getUser(user);
		SimpSession session = (simpUser != null) ? simpUser.getSession(sessionId) : null;
		return (session != null)
				? session.getSubscriptions().stream().map(SimpSubscription::getDestination).collect(Collectors.toSet())
				: Set.of();
	}

	private record Joined(Node node, String user, String sessionId, StompTestClient client,
			Subscription subscription) {

	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.ManagerChangedEvent;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.FailableCache;
import io.socketbox.spring.testsupport.ManagerEventLog;
import io.socketbox.spring.testsupport.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes on random ports elect a manager: through a lease in a real Redis server,
 * or by lowest id over a cache without atomic compare-and-set. Timings are those of
 * {@link ClusterNodes}: a refresh every 200 ms and a member timeout of 2 s, so a lease
 * of 1.6 s unless a test sets another.
 */
class ManagerElectionIntegrationTests {

	private static final Duration REFRESH = Duration.ofMillis(200);

	private static final Duration LEASE = Duration.ofMillis(1600);

	/**
	 * For threads that run late on a busy machine.
	 */
	private static final Duration SLACK = Duration.ofSeconds(1);

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	/**
	 * The event log and id of each node, still there after the node stopped.
	 */
	private final Map<Node, ManagerEventLog> logs = new ConcurrentHashMap<>();

	private final Map<Node, String> ids = new ConcurrentHashMap<>();

	@BeforeEach
	void launcher(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void exactlyOneManagerAfterStartAndEveryNodeAgreesOnItAndItsToken() {
		List<Node> all = start(3);
		ClusterManager manager = awaitAgreedManager(all, LEASE.multipliedBy(3).plus(SLACK));
		assertThat(manager.fencingToken()).isPositive();
		// Renewals keep it: the same manager and token for longer than a lease
		await().during(LEASE.plus(REFRESH)).atMost(LEASE.plus(SLACK.multipliedBy(3)))
			.until(() -> agreedManager(all).equals(Optional.of(manager)));
		for (Node node : all) {
			ManagerChangedEvent last = lastEvent(node);
			assertThat(last.getManagerId()).isEqualTo(manager.nodeId());
			assertThat(last.getFencingToken()).isEqualTo(manager.fencingToken());
			assertThat(last.isThisNode()).isEqualTo(node.id().equals(manager.nodeId()));
			assertThat(last.getSource()).isSameAs(node.cluster());
		}
		assertTokensGrow(all);
	}

	@Test
	void aManagerThatStopsHandsOverAtOnceToANodeWithAHigherToken() {
		Duration lease = Duration.ofSeconds(4);
		List<Node> all = start(3, "socketbox.cluster.manager-lease-duration=" + lease.toMillis() + "ms");
		ClusterManager first = awaitAgreedManager(all, lease.multipliedBy(2).plus(SLACK));
		Node old = nodeWithId(all, first.nodeId());
		List<Node> rest = othersThan(all, old);
		long stopStarted = System.nanoTime();
		old.stop();
		ClusterManager next = awaitAgreedManager(rest, REFRESH.plus(SLACK));
		// Sooner than the old lease could have run out: it was handed over, not taken over
		assertThat(Duration.ofNanos(System.nanoTime() - stopStarted)).isLessThan(lease);
		assertThat(next.nodeId()).isNotEqualTo(first.nodeId());
		assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
		ManagerChangedEvent oldLast = lastEvent(old);
		assertThat(oldLast.isThisNode()).isFalse();
		assertThat(oldLast.getManagerId()).isNull();
		assertTokensGrow(all);
	}

	@Test
	void aManagerThatLosesTheCacheStepsDownWithinTheLeaseAndAnotherTakesOverWithAHigherToken() {
		List<Node> all = start(3, "test.cache=failable-redis");
		ClusterManager first = awaitAgreedManager(all, LEASE.multipliedBy(3).plus(SLACK));
		Node old = nodeWithId(all, first.nodeId());
		List<Node> rest = othersThan(all, old);
		FailableCache cache = old.context().getBean(FailableCache.class);
		cache.setFailing(true);
		// Its last renewal was before the cut
		await().atMost(LEASE.plus(REFRESH)).until(() -> !old.cluster().isManager());
		assertThat(old.cluster().getManager()).isEmpty();
		AtomicBoolean twoManagers = new AtomicBoolean();
		ClusterManager next = await().atMost(LEASE.plus(REFRESH.multipliedBy(2)).plus(SLACK)).until(() -> {
			if (all.stream().filter((node) -> node.cluster().isManager()).count() > 1) {
				twoManagers.set(true);
			}
			return agreedManager(rest);
		}, Optional::isPresent).orElseThrow();
		assertThat(twoManagers).isFalse();
		assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
		// The old manager said it stepped down, though it could not reach the cache
		await().atMost(REFRESH.plus(SLACK)).until(() -> !lastEvent(old).isThisNode());
		cache.setFailing(false);
		await().atMost(REFRESH.multipliedBy(2).plus(SLACK))
			.until(() -> old.cluster().getManager().equals(Optional.of(next)));
		assertThat(old.cluster().isManager()).isFalse();
		assertThat(agreedManager(all)).contains(next);
		assertTokensGrow(all);
	}

	@Test
	void withoutAtomicCompareAndSetTheLinkedNodeWithTheLowestIdIsManagerWithTokenZero() {
		List<Node> all = start(3, "test.cache=shared-map");
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(all));
		String lowest = all.stream().map(Node::id).min(String::compareTo).orElseThrow();
		ClusterManager manager = awaitAgreedManager(all, Duration.ofSeconds(5));
		assertThat(manager).isEqualTo(new ClusterManager(lowest, 0));
		for (Node node : all) {
			assertThat(events(node)).allSatisfy((event) -> assertThat(event.getFencingToken()).isZero());
			assertThat(lastEvent(node).getManagerId()).isEqualTo(lowest);
		}
	}

	private List<Node> start(int count, String... properties) {
		List<Node> started = IntStream.range(0, count).mapToObj((i) -> this.nodes.start(properties)).toList();
		for (Node node : started) {
			this.logs.put(node, node.context().getBean(ManagerEventLog.class));
			this.ids.put(node, node.id());
		}
		return started;
	}

	/**
	 * Wait until exactly one of the nodes counts itself manager and all of them name it
	 * with the same token.
	 */
	private static ClusterManager awaitAgreedManager(List<Node> nodes, Duration atMost) {
		return await().atMost(atMost).until(() -> agreedManager(nodes), Optional::isPresent).orElseThrow();
	}

	private static Optional<ClusterManager> agreedManager(List<Node> nodes) {
		List<Node> managers = nodes.stream().filter((node) -> node.cluster().isManager()).toList();
		if (managers.size() != 1) {
			return Optional.empty();
		}
		Optional<ClusterManager> manager = managers.get(0).cluster().getManager();
		boolean agreed = manager.isPresent() && manager.get().nodeId().equals(managers.get(0).id())
				&& nodes.stream().allMatch((node) -> node.cluster().getManager().equals(manager));
		return agreed ? manager : Optional.empty();
	}

	/**
	 * On every node, the events that name a manager never go back to a lower token, and
	 * every change of manager comes with a higher one.
	 */
	private void assertTokensGrow(List<Node> nodes) {
		for (Node node : nodes) {
			List<ManagerChangedEvent> named = events(node).stream()
				.filter((event) -> event.getManagerId() != null)
				.toList();
			String id = this.ids.get(node);
			assertThat(named).as("events of %s", id).isNotEmpty();
			for (int i = 1; i < named.size(); i++) {
				ManagerChangedEvent previous = named.get(i - 1);
				ManagerChangedEvent event = named.get(i);
				assertThat(event.getFencingToken()).as("token after %s", previous.getManagerId())
					.isGreaterThanOrEqualTo(previous.getFencingToken());
				if (!Objects.equals(event.getManagerId(), previous.getManagerId())) {
					assertThat(event.getFencingToken()).as("token of new manager %s", event.getManagerId())
						.isGreaterThan(previous.getFencingToken());
				}
			}
			assertThat(events(node)).allSatisfy((event) -> assertThat(event.isThisNode())
				.isEqualTo(id.equals(event.getManagerId())));
		}
	}

	private List<ManagerChangedEvent> events(Node node) {
		return this.logs.get(node).events();
	}

	private ManagerChangedEvent lastEvent(Node node) {
		List<ManagerChangedEvent> events = events(node);
		assertThat(events).as("events of %s", this.ids.get(node)).isNotEmpty();
		return events.get(events.size() - 1);
	}

	private static Node nodeWithId(List<Node> nodes, String id) {
		return nodes.stream().filter((node) -> node.id().equals(id)).findFirst().orElseThrow();
	}

	private static List<Node> othersThan(List<Node> nodes, Node excluded) {
		List<Node> others = new ArrayList<>(nodes);
		others.remove(excluded);
		return others;
	}

}

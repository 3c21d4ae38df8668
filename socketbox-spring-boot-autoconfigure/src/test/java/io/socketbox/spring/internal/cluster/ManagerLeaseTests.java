package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.cache.RedisCacheProvider;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.MutableClock;
import io.socketbox.spring.testsupport.RedisTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ManagerLease} on a clock that moves only when told: three nodes
 * share a cache and tick every {@link #REFRESH}, a node that stops ticking is paused.
 */
class ManagerLeaseTests {

	private static final Duration LEASE = Duration.ofSeconds(10);

	private static final Duration REFRESH = Duration.ofSeconds(3);

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

	private final InMemoryCacheProvider cache = new InMemoryCacheProvider(this.clock);

	private final Node a = new Node(this.cache, "a", this.clock);

	private final Node b = new Node(this.cache, "b", this.clock);

	private final Node c = new Node(this.cache, "c", this.clock);

	/**
	 * The tokens of the managers in the order they became manager, as the checks saw them.
	 */
	private final List<Long> managerTokens = new ArrayList<>();

	@Test
	void oneOfThreeNodesBecomesManagerOneLeaseDurationAfterClaimingTheMissingLease() {
		tick(this.a, this.b, this.c);
		assertThat(managers()).isEmpty();
		runFor(LEASE, this.a, this.b, this.c);
		assertThat(managers()).containsExactly(this.a);
		ManagerState state = this.a.lease.getState();
		assertThat(state.thisNode()).isTrue();
		assertThat(this.b.lease.getState()).isEqualTo(new ManagerState("a", state.token(), false));
		assertThat(this.c.lease.getState()).isEqualTo(new ManagerState("a", state.token(), false));
	}

	@Test
	void renewalKeepsTheLeaseAndItsToken() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		runFor(Duration.ofMinutes(5), this.a, this.b, this.c);
		assertThat(managers()).containsExactly(manager);
		assertThat(manager.lease.getState().token()).isEqualTo(token);
		assertThat(manager.states).containsExactly(new ManagerState(manager.id, token, true));
	}

	@Test
	void pausedManagerLosesTheLeaseWhenItRunsOutAndAnotherNodeTakesItWithAHigherToken() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		Node[] others = othersThan(manager);
		// The manager last renewed at this instant; it pauses, the others tick on
		Instant lastRenewal = this.clock.instant();
		runFor(LEASE.minusSeconds(1), others);
		assertThat(managers()).containsExactly(manager);
		advance(Duration.ofSeconds(1));
		assertThat(this.clock.instant()).isEqualTo(lastRenewal.plus(LEASE));
		assertThat(manager.lease.isManager()).isFalse();
		runFor(REFRESH, others);
		Node successor = managers().get(0);
		assertThat(successor).isIn((Object[]) others);
		assertThat(successor.lease.getState().token()).isGreaterThan(token);
		// Taken over within the lease duration and one refresh of the last renewal that was seen
		assertThat(successor.becameManagerAt).isBeforeOrEqualTo(lastRenewal.plus(LEASE).plus(REFRESH));
	}

	@Test
	void pausedManagerThatResumesStepsDownOnItsNextTickAndSeesTheNewerToken() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		runFor(LEASE.plus(REFRESH), othersThan(manager));
		Node successor = managers().get(0);
		long newer = successor.lease.getState().token();
		assertThat(manager.lease.getState()).isEqualTo(new ManagerState(manager.id, token, true));
		assertThat(manager.lease.isManager()).isFalse();
		manager.lease.tick();
		assertThat(manager.lease.getState()).isEqualTo(new ManagerState(successor.id, newer, false));
		assertThat(manager.states).last().isEqualTo(new ManagerState(successor.id, newer, false));
		assertThat(newer).isGreaterThan(token);
		runFor(Duration.ofMinutes(1), this.a, this.b, this.c);
		assertThat(managers()).containsExactly(successor);
	}

	@Test
	void releaseHandsOverOnTheNextTickOfAnotherNode() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		Node next = othersThan(manager)[0];
		assertThat(manager.lease.release()).isEqualTo(new ManagerState(null, token, false));
		assertThat(manager.lease.isManager()).isFalse();
		next.lease.tick();
		assertThat(managers()).containsExactly(next);
		assertThat(next.lease.getState().token()).isGreaterThan(token);
		manager.lease.tick();
		assertThat(manager.lease.getState()).isEqualTo(new ManagerState(next.id, next.lease.getState().token(), false));
	}

	@Test
	void releaseOfAClaimLeavesTheLeaseMissingSoThatTheNextClaimWaitsToo() {
		this.a.lease.tick();
		this.a.lease.release();
		assertThat(this.cache.get("test:socketbox:manager")).isNull();
		this.b.lease.tick();
		assertThat(managers()).isEmpty();
		runFor(LEASE, this.b);
		assertThat(managers()).containsExactly(this.b);
	}

	@Test
	void tokensStrictlyIncreaseOverStartPauseResumeReleaseAndFlush() {
		Node first = electManager();
		// The manager pauses: another takes over
		runFor(LEASE.plus(REFRESH), othersThan(first));
		Node second = managers().get(0);
		// The old manager resumes
		runFor(Duration.ofSeconds(30), this.a, this.b, this.c);
		assertThat(managers()).containsExactly(second);
		// Graceful stop of the second, then of the third
		second.lease.release();
		Node third = othersThan(second)[0];
		tick(third, second);
		assertThat(managers()).containsExactly(third);
		third.lease.release();
		tick(second, third);
		assertThat(managers()).containsExactly(second);
		// Both keys flushed while the manager is paused past its lease
		this.cache.clear("test:socketbox:manager");
		this.cache.clear("test:socketbox:manager:token");
		runFor(LEASE.plus(LEASE), othersThan(second));
		Node fourth = managers().get(0);
		runFor(Duration.ofSeconds(30), this.a, this.b, this.c);
		assertThat(managers()).containsExactly(fourth);
		assertThat(this.managerTokens).hasSize(5).isSorted().doesNotHaveDuplicates();
		for (Node node : List.of(this.a, this.b, this.c)) {
			assertThat(node.states.stream().map(ManagerState::token).toList()).isSorted();
		}
	}

	@Test
	void managerWhoseLeaseWasFlushedWritesItBackAndKeepsItsToken() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		this.cache.clear("test:socketbox:manager");
		this.cache.clear("test:socketbox:manager:token");
		manager.lease.tick();
		runFor(Duration.ofMinutes(1), this.a, this.b, this.c);
		assertThat(managers()).containsExactly(manager);
		assertThat(manager.states).containsExactly(new ManagerState(manager.id, token, true));
		manager.lease.release();
		Node next = othersThan(manager)[0];
		next.lease.tick();
		assertThat(next.lease.getState().token()).isGreaterThan(token);
	}

	@Test
	void flushedLeaseIsClaimedAndTakenOnlyAfterTheOldManagersLeaseHasRunOut() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		Instant lastRenewal = this.clock.instant();
		this.cache.clear("test:socketbox:manager");
		Node[] others = othersThan(manager);
		tick(others);
		assertThat(managers()).containsExactly(manager);
		runFor(LEASE.minusSeconds(1), others);
		assertThat(managers()).containsExactly(manager);
		runFor(LEASE, others);
		Node successor = managers().get(0);
		assertThat(successor.becameManagerAt).isAfterOrEqualTo(lastRenewal.plus(LEASE));
		assertThat(successor.lease.getState().token()).isGreaterThan(token);
	}

	@Test
	void aClaimWrittenAgainAfterAFlushIsNotMistakenForOneThatStoodSinceItWasFirstRead() {
		// The sample ManagerLeaseProperties shrank to: a's first claim, read by b, is
		// taken by c a lease duration later; both keys are flushed; a claims again, and
		// b must not count that claim as unchanged since it first read a's
		tick(this.a, this.b);
		tick(this.a, this.c);
		advance(LEASE);
		tick(this.c);
		assertThat(managers()).containsExactly(this.c);
		this.cache.clear("test:socketbox:manager");
		this.cache.clear("test:socketbox:manager:token");
		tick(this.a, this.b);
		assertThat(managers()).containsExactly(this.c);
	}

	@Test
	void tokensIncreaseWhenBothKeysAreFlushedAndNoNodeRemembersTheLastToken() {
		Node manager = electManager();
		long token = manager.lease.getState().token();
		this.cache.clear("test:socketbox:manager");
		this.cache.clear("test:socketbox:manager:token");
		advance(LEASE);
		// Nodes of a new run, that have seen nothing
		Node d = new Node(this.cache, "d", this.clock);
		Node e = new Node(this.cache, "e", this.clock);
		runFor(LEASE.plus(REFRESH), d, e);
		assertThat(managers(d, e)).hasSize(1);
		assertThat(managers(d, e).get(0).lease.getState().token()).isGreaterThan(token);
	}

	@Test
	void valueThatIsNotALeaseIsTakenOverOnceItHasNotChangedForALeaseDuration() {
		this.cache.set("test:socketbox:manager", "left by someone else");
		tick(this.a);
		runFor(LEASE.minus(REFRESH), this.a);
		assertThat(managers()).isEmpty();
		runFor(REFRESH, this.a);
		assertThat(managers()).containsExactly(this.a);
	}

	@Test
	void managerStateListenerIsCalledOnChangesOnly() {
		Node manager = electManager();
		Node other = othersThan(manager)[0];
		long token = manager.lease.getState().token();
		assertThat(other.states).containsExactly(new ManagerState(manager.id, token, false));
		manager.lease.release();
		other.lease.tick();
		long next = other.lease.getState().token();
		assertThat(other.states).containsExactly(new ManagerState(manager.id, token, false),
				new ManagerState(other.id, next, true));
	}

	@Test
	void cacheWithoutAtomicCompareAndSetIsRefused() {
		CacheProvider racy = CacheProvider.of((key) -> null, (key, value) -> {
		}, (key) -> {
		});
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ManagerLease(racy, "", "a", LEASE, this.clock, (state) -> {
			}))
			.withMessageContaining("LowestIdManager");
	}

	@Test
	void lowestIdManagerIsTheLowestOfThisNodeAndTheReachableMembers() {
		assertThat(LowestIdManager.managerAmong("0m5b", List.of("0m5c", "0m5a"))).isEqualTo("0m5a");
		assertThat(LowestIdManager.managerAmong("0m5b", List.of("0m5c", "0m5b"))).isEqualTo("0m5b");
		assertThat(LowestIdManager.managerAmong("0m5b", List.of())).isEqualTo("0m5b");
	}

	@Test
	void oneOfThreeNodesRacingOnRedisHoldsTheLeaseAndHandsItOver() throws Exception {
		try (RedisTemplates templates = RedisTemplates.connect(redis.getPort())) {
			templates.template().delete(List.of("test:socketbox:manager", "test:socketbox:manager:token"));
			List<Node> nodes = Stream.of("a", "b", "c")
				.map((id) -> new Node(new RedisCacheProvider(templates.template()), id, this.clock))
				.toList();
			CyclicBarrier start = new CyclicBarrier(nodes.size());
			List<CompletableFuture<Void>> ticks = nodes.stream().map((node) -> CompletableFuture.runAsync(() -> {
				await(start);
				node.lease.tick();
			})).toList();
			CompletableFuture.allOf(ticks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			String claim = templates.template().opsForValue().get("test:socketbox:manager");
			assertThat(claim).startsWith("claimed:");
			Node[] all = nodes.toArray(Node[]::new);
			runFor(LEASE, all);
			List<Node> managers = managers(all);
			assertThat(managers).hasSize(1);
			Node manager = managers.get(0);
			assertThat(claim).endsWith(":" + manager.id);
			long token = manager.lease.getState().token();
			manager.lease.release();
			Node next = nodes.stream().filter((node) -> node != manager).findFirst().orElseThrow();
			next.lease.tick();
			assertThat(managers(all)).containsExactly(next);
			assertThat(next.lease.getState().token()).isGreaterThan(token);
			assertThat(templates.template().opsForValue().get("test:socketbox:manager:token"))
				.isEqualTo(Long.toString(next.lease.getState().token()));
		}
	}

	private Node electManager() {
		tick(this.a, this.b, this.c);
		runFor(LEASE, this.a, this.b, this.c);
		List<Node> managers = managers();
		assertThat(managers).hasSize(1);
		return managers.get(0);
	}

	private Node[] othersThan(Node node) {
		return Stream.of(this.a, this.b, this.c).filter((other) -> other != node).toArray(Node[]::new);
	}

	/**
	 * Move the clock on a second at a time, ticking the given nodes every refresh, and
	 * check every second that at most one node is manager.
	 */
	private void runFor(Duration duration, Node... nodes) {
		for (long second = 1; second <= duration.toSeconds(); second++) {
			advance(Duration.ofSeconds(1));
			if (second % REFRESH.toSeconds() == 0) {
				tick(nodes);
			}
		}
		if (duration.toSeconds() % REFRESH.toSeconds() != 0) {
			tick(nodes);
		}
	}

	private void advance(Duration duration) {
		this.clock.advance(duration);
		check();
	}

	private void tick(Node... nodes) {
		for (Node node : nodes) {
			node.lease.tick();
			check();
		}
	}

	private void check() {
		List<Node> managers = managers();
		assertThat(managers).as("managers at %s", this.clock.instant()).hasSizeLessThanOrEqualTo(1);
		for (Node manager : managers) {
			long token = manager.lease.getState().token();
			if (this.managerTokens.isEmpty() || this.managerTokens.get(this.managerTokens.size() - 1) != token) {
				this.managerTokens.add(token);
				manager.becameManagerAt = this.clock.instant();
			}
		}
	}

	private List<Node> managers() {
		return managers(this.a, this.b, this.c);
	}

	private static List<Node> managers(Node... nodes) {
		return Stream.of(nodes).filter((node) -> node.lease.isManager()).toList();
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final class Node {

		final String id;

		final List<ManagerState> states = new ArrayList<>();

		final ManagerLease lease;

		Instant becameManagerAt;

		Node(CacheProvider cache, String id, MutableClock clock) {
			this.id = id;
			this.lease = new ManagerLease(cache, "test:", id, LEASE, clock, this.states::add);
		}

		@Override
		public String toString() {
			return this.id;
		}

	}

}

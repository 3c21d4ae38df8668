package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.testsupport.MutableClock;

import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ManagerElection}: the mode the cache chooses, the order of changes and
 * that the listener runs outside the lease's lock.
 */
class ManagerElectionTests {

	private static final Duration LEASE = Duration.ofSeconds(10);

	private static final Duration REFRESH = Duration.ofSeconds(3);

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

	private final InMemoryCacheProvider memory = new InMemoryCacheProvider(this.clock);

	private final AtomicBoolean cacheFails = new AtomicBoolean();

	private final List<ManagerState> changes = new CopyOnWriteArrayList<>();

	@Test
	void withAnAtomicCacheTheLeaseMakesThisNodeManagerAfterOneLeaseDuration() {
		ManagerElection election = leaseElection("a");
		assertThat(election.mode()).startsWith("a lease of PT10S");
		election.refresh();
		assertThat(election.isManager()).isFalse();
		assertThat(election.manager()).isEmpty();
		this.clock.advance(LEASE);
		election.refresh();
		assertThat(election.isManager()).isTrue();
		Optional<ClusterManager> manager = election.manager();
		assertThat(manager).hasValueSatisfying((value) -> {
			assertThat(value.nodeId()).isEqualTo("a");
			assertThat(value.fencingToken()).isPositive();
		});
		assertThat(this.changes).containsExactly(new ManagerState("a", manager.get().fencingToken(), true));
	}

	@Test
	void aManagerWhoseCacheFailsIsNoLongerManagerWhenItsLeaseRunsOutAndSaysSoOnItsNextRefresh() {
		ManagerElection election = leaseElection("a");
		election.refresh();
		this.clock.advance(LEASE);
		election.refresh();
		long token = election.manager().orElseThrow().fencingToken();
		this.cacheFails.set(true);
		this.clock.advance(REFRESH);
		election.refresh();
		assertThat(election.isManager()).isTrue();
		this.clock.advance(LEASE.minus(REFRESH));
		// Between refreshes: already no longer manager
		assertThat(election.isManager()).isFalse();
		assertThat(election.manager()).isEmpty();
		election.refresh();
		assertThat(this.changes).containsExactly(new ManagerState("a", token, true),
				new ManagerState(null, token, false));
	}

	@Test
	void releaseHandsTheLeaseToTheNextNodeAtOnceWithAHigherToken() {
		ManagerElection a = leaseElection("a");
		List<ManagerState> bChanges = new CopyOnWriteArrayList<>();
		ManagerElection b = new ManagerElection(this.memory, "", "b", LEASE, this.clock, bChanges::add);
		a.refresh();
		b.refresh();
		this.clock.advance(LEASE);
		a.refresh();
		b.refresh();
		long token = a.manager().orElseThrow().fencingToken();
		assertThat(b.manager()).contains(new ClusterManager("a", token));
		a.release();
		assertThat(a.isManager()).isFalse();
		b.refresh();
		assertThat(b.isManager()).isTrue();
		assertThat(b.manager().orElseThrow().fencingToken()).isGreaterThan(token);
		assertThat(this.changes.get(this.changes.size() - 1)).isEqualTo(new ManagerState(null, token, false));
	}

	@Test
	void theListenerRunsAfterTheLeaseIsUnlocked() throws Exception {
		Map<String, Boolean> otherThreadGotTheLease = new ConcurrentHashMap<>();
		ManagerElection[] election = new ManagerElection[1];
		election[0] = new ManagerElection(this.memory, "", "a", LEASE, this.clock, (state) -> {
			ManagerLease lease = (ManagerLease) ReflectionTestUtils.getField(election[0], "lease");
			// Another thread asks the lease, as an application thread calling the cluster might
			boolean unlocked = CompletableFuture.supplyAsync(lease::getState)
				.completeOnTimeout(null, 5, TimeUnit.SECONDS)
				.join() != null;
			otherThreadGotTheLease.put(String.valueOf(state.thisNode()), unlocked);
		});
		election[0].refresh();
		this.clock.advance(LEASE);
		election[0].refresh();
		assertThat(otherThreadGotTheLease).containsEntry("true", true);
	}

	@Test
	void withoutAnAtomicCacheTheLowestIdAmongLinkedMembersIsManagerWithTokenZero() {
		CacheProvider plain = CacheProvider.of(this.memory::get, this.memory::set, this.memory::clear);
		ManagerElection election = new ManagerElection(plain, "", "b", LEASE, this.clock, this.changes::add);
		assertThat(election.mode()).startsWith("the lowest node id");
		election.refresh();
		assertThat(election.manager()).isEmpty();
		election.heartbeat(List.of());
		assertThat(election.isManager()).isTrue();
		assertThat(election.manager()).contains(new ClusterManager("b", 0));
		election.heartbeat(List.of("c"));
		election.heartbeat(List.of("c", "a"));
		assertThat(election.isManager()).isFalse();
		assertThat(election.manager()).contains(new ClusterManager("a", 0));
		election.release();
		assertThat(election.manager()).isEmpty();
		// A heartbeat that was under way when the node stopped
		election.heartbeat(List.of());
		assertThat(election.isManager()).isFalse();
		election.start();
		election.heartbeat(List.of());
		assertThat(election.isManager()).isTrue();
		assertThat(this.changes).containsExactly(new ManagerState("b", 0, true), new ManagerState("a", 0, false),
				new ManagerState(null, 0, false), new ManagerState("b", 0, true));
	}

	private ManagerElection leaseElection(String id) {
		return new ManagerElection(failable(), "", id, LEASE, this.clock, this.changes::add);
	}

	/**
	 * The in-memory cache, whose calls throw while {@link #cacheFails} is set.
	 */
	private CacheProvider failable() {
		InMemoryCacheProvider memory = this.memory;
		AtomicBoolean fails = this.cacheFails;
		return new CacheProvider() {

			@Override
			public String get(String key) {
				check();
				return memory.get(key);
			}

			@Override
			public void set(String key, String value) {
				check();
				memory.set(key, value);
			}

			@Override
			public void clear(String key) {
				check();
				memory.clear(key);
			}

			@Override
			public boolean compareAndSet(String key, String expected, String value) {
				check();
				return memory.compareAndSet(key, expected, value);
			}

			@Override
			public boolean clearIfEquals(String key, String expected) {
				check();
				return memory.clearIfEquals(key, expected);
			}

			@Override
			public boolean isCompareAndSetAtomic() {
				return true;
			}

			private void check() {
				if (fails.get()) {
					throw new IllegalStateException("cache unreachable");
				}
			}

		};
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ManagerLease} over random interleavings of ticks, pauses, releases, cache
 * flushes and the passing of time for three nodes that share a cache and a clock: at
 * every second of the clock at most one node counts itself manager, every manager's
 * token is higher than every earlier manager's, and no node ever sees a token lower
 * than one it saw before.
 */
class ManagerLeaseProperties {

	private static final Duration LEASE = Duration.ofSeconds(10);

	private static final int NODES = 3;

	private static final String LEASE_KEY = "socketbox:manager";

	private static final String TOKEN_KEY = "socketbox:manager:token";

	@Property(tries = 500)
	void atMostOneManagerAndTokensNeverGoBack(@ForAll("steps") List<Step> steps) {
		new Cluster().run(steps);
	}

	@Provide
	Arbitrary<List<Step>> steps() {
		Arbitrary<Integer> node = Arbitraries.integers().between(0, NODES - 1);
		Arbitrary<Step> tick = node.map(Tick::new);
		Arbitrary<Step> advance = Arbitraries.integers().between(1, 6).map(Advance::new);
		Arbitrary<Step> pause = node.map(Pause::new);
		Arbitrary<Step> resume = node.map(Resume::new);
		Arbitrary<Step> release = node.map(Release::new);
		Arbitrary<Step> flush = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false))
			.as(Flush::new);
		return Arbitraries
			.frequencyOf(Tuple.of(12, tick), Tuple.of(8, advance), Tuple.of(2, pause), Tuple.of(2, resume),
					Tuple.of(1, release), Tuple.of(1, flush))
			.list()
			.ofMinSize(1)
			.ofMaxSize(150);
	}

	private static final class Cluster {

		private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

		private final InMemoryCacheProvider cache = new InMemoryCacheProvider(this.clock);

		private final List<ManagerLease> leases = new ArrayList<>();

		private final List<List<ManagerState>> states = new ArrayList<>();

		private final Set<Integer> paused = new HashSet<>();

		private int lastManager = -1;

		private long lastManagerToken;

		Cluster() {
			for (int i = 0; i < NODES; i++) {
				List<ManagerState> seen = new ArrayList<>();
				this.states.add(seen);
				this.leases.add(new ManagerLease(this.cache, "", "node-" + i, LEASE, this.clock, seen::add));
			}
		}

		void run(List<Step> steps) {
			for (Step step : steps) {
				if (step instanceof Tick tick && !this.paused.contains(tick.node())) {
					this.leases.get(tick.node()).tick();
				}
				else if (step instanceof Advance advance) {
					for (int second = 0; second < advance.seconds(); second++) {
						this.clock.advance(Duration.ofSeconds(1));
						check(step);
					}
				}
				else if (step instanceof Pause pause) {
					this.paused.add(pause.node());
				}
				else if (step instanceof Resume resume) {
					this.paused.remove(resume.node());
				}
				else if (step instanceof Release release && !this.paused.contains(release.node())) {
					this.leases.get(release.node()).release();
				}
				else if (step instanceof Flush flush) {
					if (flush.lease()) {
						this.cache.clear(LEASE_KEY);
					}
					if (flush.token()) {
						this.cache.clear(TOKEN_KEY);
					}
				}
				check(step);
			}
		}

		private void check(Step step) {
			List<Integer> managers = new ArrayList<>();
			for (int i = 0; i < NODES; i++) {
				if (this.leases.get(i).isManager()) {
					managers.add(i);
				}
			}
			assertThat(managers).as("managers at %s after %s", this.clock.instant(), step).hasSizeLessThanOrEqualTo(1);
			for (int manager : managers) {
				long token = this.leases.get(manager).getState().token();
				if (token != this.lastManagerToken || manager != this.lastManager) {
					// A new term: its token is higher than every earlier manager's
					assertThat(token).as("token of node-%d, manager at %s after %s", manager, this.clock.instant(), step)
						.isGreaterThan(this.lastManagerToken);
				}
				this.lastManager = manager;
				this.lastManagerToken = token;
			}
			for (int i = 0; i < NODES; i++) {
				List<Long> tokens = this.states.get(i).stream().map(ManagerState::token).toList();
				assertThat(tokens).as("tokens seen by node-%d after %s", i, step).isSorted();
			}
		}

	}

	sealed interface Step permits Tick, Advance, Pause, Resume, Release, Flush {

	}

	record Tick(int node) implements Step {

	}

	record Advance(int seconds) implements Step {

	}

	record Pause(int node) implements Step {

	}

	record Resume(int node) implements Step {

	}

	record Release(int node) implements Step {

	}

	record Flush(boolean lease, boolean token) implements Step {

	}

}

package io.socketbox.spring.internal.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import io.socketbox.spring.internal.OutboundText;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history of broadcasts, for any broadcasts of any origins and any positions a
 * client claims: the replay holds each broadcast the client missed that is still kept,
 * once, in order per origin; it reports a gap for an origin exactly when the client
 * missed some of its broadcasts that are no longer kept; and the positions it gives the
 * client never go back.
 */
class BroadcastHistoryProperties {

	private static final List<String> ORIGINS = List.of("a1", "b2", "c3");

	@Property(tries = 500)
	void theReplayIsWhatTheClientMissedOnceAndInOrder(@ForAll("broadcasts") List<String> origins,
			@ForAll @IntRange(min = 1, max = 15) int maxCount, @ForAll("claims") Map<String, Long> received) {
		AtomicLong clock = new AtomicLong();
		BroadcastHistory history = new BroadcastHistory(maxCount, Long.MAX_VALUE, Long.MAX_VALUE, clock::get);
		Map<String, Long> last = new HashMap<>();
		for (String origin : origins) {
			long position = last.merge(origin, 1L, Long::sum);
			clock.incrementAndGet();
			assertThat(history.record(origin, position, frame(origin, position))).isTrue();
			// A peer that repeats itself is not recorded
			assertThat(history.record(origin, position, frame(origin, position))).isFalse();
		}
		BroadcastHistory.Replay replay = history.replay(received);
		Map<String, List<Long>> replayed = new HashMap<>();
		for (OutboundText frame : replay.frames()) {
			String[] parts = frame.text().split(" ");
			replayed.computeIfAbsent(parts[1], (origin) -> new ArrayList<>()).add(Long.parseLong(parts[2]));
		}
		for (String origin : ORIGINS) {
			long sent = last.getOrDefault(origin, 0L);
			long had = received.getOrDefault(origin, 0L);
			List<Long> positions = replayed.getOrDefault(origin, List.of());
			// Consecutive, ending with the last one sent, all above what the client had
			for (int i = 0; i < positions.size(); i++) {
				assertThat(positions.get(i)).isEqualTo(sent - positions.size() + 1 + i).isGreaterThan(had);
			}
			long missed = Math.max(0, sent - had);
			assertThat(positions.size()).isLessThanOrEqualTo(maxCount);
			assertThat(replay.gaps().contains(origin)).as(origin).isEqualTo(positions.size() < missed);
			if (sent > 0 || received.containsKey(origin)) {
				// The client counts from just before the replay, so that it drops none of it
				long start = positions.isEmpty() ? Math.max(sent, had) : positions.get(0) - 1;
				assertThat(replay.positions().get(origin)).isEqualTo(start);
			}
		}
	}

	@Property(tries = 200)
	void aClientWithoutAnOriginThatThisNodeHeardLateIsToldOfTheGap(@ForAll @IntRange(min = 1, max = 10) int first,
			@ForAll @IntRange(min = 0, max = 10) int more) {
		// This node was linked to the origin only from its broadcast number `first` on
		BroadcastHistory history = new BroadcastHistory(100, Long.MAX_VALUE, Long.MAX_VALUE, System::nanoTime);
		for (long position = first; position <= first + more; position++) {
			history.record("a1", position, frame("a1", position));
		}
		BroadcastHistory.Replay replay = history.replay(Map.of());
		assertThat(replay.frames()).hasSize(more + 1);
		assertThat(replay.gaps().contains("a1")).isEqualTo(first > 1);
		assertThat(replay.positions()).containsEntry("a1", (long) first - 1);
	}

	@Property(tries = 200)
	void aNewClientStartsAfterEveryBroadcastKept(@ForAll("broadcasts") List<String> origins) {
		BroadcastHistory history = new BroadcastHistory(5, Long.MAX_VALUE, Long.MAX_VALUE, System::nanoTime);
		Map<String, Long> last = new HashMap<>();
		for (String origin : origins) {
			long position = last.merge(origin, 1L, Long::sum);
			history.record(origin, position, frame(origin, position));
		}
		assertThat(history.positions()).isEqualTo(last);
		assertThat(history.replay(history.positions()).frames()).isEmpty();
	}

	@Property(tries = 200)
	void broadcastsOlderThanTheWindowAreForgottenAndReportedMissing(@ForAll @IntRange(min = 1, max = 20) int count,
			@ForAll @IntRange(min = 0, max = 20) int received) {
		AtomicLong clock = new AtomicLong();
		BroadcastHistory history = new BroadcastHistory(100, Long.MAX_VALUE, 10, clock::get);
		for (int position = 1; position <= count; position++) {
			history.record("a1", position, frame("a1", position));
		}
		clock.addAndGet(11);
		BroadcastHistory.Replay replay = history.replay(Map.of("a1", (long) received));
		assertThat(replay.frames()).isEmpty();
		assertThat(replay.gaps().contains("a1")).isEqualTo(received < count);
		clock.addAndGet(10);
		// Quiet for longer than twice the window: the origin is forgotten
		assertThat(history.positions()).isEmpty();
		assertThat(history.bytes()).isZero();
	}

	@Provide
	Arbitrary<List<String>> broadcasts() {
		return Arbitraries.of(ORIGINS).list().ofMaxSize(60);
	}

	@Provide
	Arbitrary<Map<String, Long>> claims() {
		return Arbitraries.maps(Arbitraries.of(ORIGINS), Arbitraries.longs().between(0, 70)).ofMaxSize(3);
	}

	private static OutboundText frame(String origin, long position) {
		return SessionFrames.broadcast(origin, position, OutboundText.of("m"));
	}

}

package io.socketbox.spring.internal.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * A history filled in from a peer's: for any broadcasts this node recorded of an origin
 * and any a peer passed on (overlapping, older, newer, with holes), the history holds
 * each position once, in order, with its text, within its bounds, and a client that
 * resumes from any position gets what it holds above it; what a history passes on is
 * what it keeps.
 */
class BroadcastHistoryBackfillProperties {

	private static final String ORIGIN = "a1";

	@Property(tries = 500)
	void aBackfilledHistoryHoldsEachPositionOnceInOrder(@ForAll("positions") TreeSet<Long> recorded,
			@ForAll("positions") TreeSet<Long> passedOn, @ForAll @IntRange(min = 1, max = 40) int maxCount,
			@ForAll @IntRange(min = 0, max = 45) int resumeFrom) {
		AtomicLong clock = new AtomicLong();
		BroadcastHistory history = new BroadcastHistory(maxCount, Long.MAX_VALUE, Long.MAX_VALUE, clock::get);
		for (long position : recorded) {
			history.record(ORIGIN, position, SessionFrames.broadcast(ORIGIN, position, OutboundText.of(text(position))));
		}
		List<BroadcastHistory.Kept> kept = passedOn.stream().map((p) -> new BroadcastHistory.Kept(p, text(p))).toList();
		history.backfill(ORIGIN, kept);
		List<BroadcastHistory.Kept> held = history.kept(ORIGIN);
		// What it kept of its own and what was passed on, the newest within its bounds
		TreeSet<Long> expected = new TreeSet<>(recorded);
		while (expected.size() > maxCount) {
			expected.pollFirst();
		}
		expected.addAll(passedOn);
		while (expected.size() > maxCount) {
			expected.pollFirst();
		}
		assertThat(held).extracting(BroadcastHistory.Kept::position).containsExactlyElementsOf(expected);
		assertThat(held).allSatisfy((entry) -> assertThat(entry.text()).isEqualTo(text(entry.position())));
		// A client resuming from a position gets what is held above it, in order
		BroadcastHistory.Replay replay = history.replay(Map.of(ORIGIN, (long) resumeFrom));
		List<String> replayed = new ArrayList<>();
		for (BroadcastHistory.Kept entry : held) {
			if (entry.position() > resumeFrom) {
				replayed.add("b " + ORIGIN + " " + entry.position() + " " + entry.text());
			}
		}
		assertThat(replay.frames()).extracting(OutboundText::text).containsExactlyElementsOf(replayed);
	}

	@Property(tries = 200)
	void whatAHistoryPassesOnIsWhatItKeeps(@ForAll("positions") TreeSet<Long> recorded) {
		AtomicLong clock = new AtomicLong();
		BroadcastHistory peer = new BroadcastHistory(1000, Long.MAX_VALUE, Long.MAX_VALUE, clock::get);
		for (long position : recorded) {
			peer.record(ORIGIN, position, SessionFrames.broadcast(ORIGIN, position, OutboundText.of(text(position))));
		}
		BroadcastHistory joiner = new BroadcastHistory(1000, Long.MAX_VALUE, Long.MAX_VALUE, clock::get);
		joiner.backfill(ORIGIN, peer.kept(ORIGIN));
		assertThat(joiner.kept(ORIGIN)).isEqualTo(peer.kept(ORIGIN));
		BroadcastHistory.Replay fromJoiner = joiner.replay(Map.of(ORIGIN, 0L));
		BroadcastHistory.Replay fromPeer = peer.replay(Map.of(ORIGIN, 0L));
		assertThat(fromJoiner.frames()).extracting(OutboundText::text)
			.containsExactlyElementsOf(fromPeer.frames().stream().map(OutboundText::text).toList());
		assertThat(fromJoiner.gaps()).isEqualTo(fromPeer.gaps());
		assertThat(fromJoiner.positions()).isEqualTo(fromPeer.positions());
		assertThat(joiner.positions()).isEqualTo(peer.positions());
	}

	@Provide
	Arbitrary<TreeSet<Long>> positions() {
		return Arbitraries.longs().between(1, 40).set().ofMaxSize(30).map(TreeSet::new);
	}

	private static String text(long position) {
		// Spaces and multi-byte characters in the text, as an application may send
		return "n " + position + " \u00e9\u4e2d";
	}

}

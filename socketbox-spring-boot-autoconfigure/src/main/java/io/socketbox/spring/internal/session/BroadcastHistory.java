package io.socketbox.spring.internal.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.socketbox.spring.internal.OutboundText;

/**
 * The recent broadcasts of every origin node, by position, as this node delivered them:
 * what a client that reconnects here may have missed, wherever it was before. Bounded per
 * origin by count and bytes, and never older than the resume window.
 * <p>
 * Not thread-safe: its owner records and replays under one lock, the one under which it
 * delivers broadcasts, so that a client gets each broadcast either in its replay or
 * live, never both and never neither.
 */
public final class BroadcastHistory {

	/** How many origins a client may know that this node does not: the newest are kept. */
	static final int MAX_UNKNOWN_ORIGINS = 64;

	private final int maxCount;

	private final long maxBytes;

	private final long maxAgeNanos;

	private final LongSupplier nanoClock;

	private final Map<String, Origin> origins = new HashMap<>();

	/**
	 * Create a history.
	 * @param maxCount most broadcasts kept per origin
	 * @param maxBytes most bytes (UTF-8) kept per origin
	 * @param maxAgeNanos oldest broadcast kept; an origin that sends nothing is
	 * remembered for twice as long
	 * @param nanoClock the clock, {@link System#nanoTime()} but in tests
	 */
	public BroadcastHistory(int maxCount, long maxBytes, long maxAgeNanos, LongSupplier nanoClock) {
		this.maxCount = maxCount;
		this.maxBytes = maxBytes;
		this.maxAgeNanos = maxAgeNanos;
		this.nanoClock = nanoClock;
	}

	/**
	 * Record a broadcast.
	 * @param origin the node it was sent on
	 * @param position its number among that node's broadcasts
	 * @param frame its {@code b} frame
	 * @return {@code false} if the position is not above the last one of the origin (a
	 * peer that repeats itself): not recorded
	 */
	public boolean record(String origin, long position, OutboundText frame) {
		long now = this.nanoClock.getAsLong();
		Origin history = this.origins.computeIfAbsent(origin, (id) -> new Origin());
		if (position <= history.last) {
			return false;
		}
		history.add(new Entry(position, frame, now));
		if (history.firstRecorded == 0) {
			history.firstRecorded = position;
		}
		history.last = position;
		history.lastTime = now;
		while (history.entries.size() > this.maxCount || history.bytes > this.maxBytes) {
			history.lostUpTo = history.removeFirst().position();
		}
		return true;
	}

	/**
	 * Take broadcasts of an origin that a peer kept, from before this node was linked to
	 * the origin or heard of it: those at positions this history does not hold yet go in
	 * among the others, in order of position; none goes to a client now. A client that
	 * resumes here from an older position gets them replayed instead of a gap.
	 * @param origin the node they were sent on
	 * @param kept the broadcasts, in ascending order of position
	 * @return how many were taken
	 */
	public int backfill(String origin, List<Kept> kept) {
		if (kept.isEmpty()) {
			return 0;
		}
		long now = this.nanoClock.getAsLong();
		Origin history = this.origins.computeIfAbsent(origin, (id) -> new Origin());
		List<Entry> merged = new ArrayList<>(history.entries.size() + kept.size());
		int taken = 0;
		Iterator<Entry> own = history.entries.iterator();
		Entry next = own.hasNext() ? own.next() : null;
		long previous = 0;
		for (Kept entry : kept) {
			while (next != null && next.position() < entry.position()) {
				merged.add(next);
				next = own.hasNext() ? own.next() : null;
			}
			if (entry.position() <= previous || (next != null && next.position() == entry.position())
					|| (next == null && entry.position() <= history.last)) {
				// Held already, or dropped here before (for the bounds, or for age)
				previous = Math.max(previous, entry.position());
				continue;
			}
			merged.add(new Entry(entry.position(),
					SessionFrames.broadcast(origin, entry.position(), OutboundText.of(entry.text())), now));
			previous = entry.position();
			taken++;
		}
		while (next != null) {
			merged.add(next);
			next = own.hasNext() ? own.next() : null;
		}
		if (taken == 0) {
			return 0;
		}
		history.entries.clear();
		history.bytes = 0;
		merged.forEach(history::add);
		long first = merged.get(0).position();
		history.firstRecorded = (history.firstRecorded == 0) ? first : Math.min(history.firstRecorded, first);
		if (history.last < merged.get(merged.size() - 1).position()) {
			history.last = merged.get(merged.size() - 1).position();
			history.lastTime = now;
		}
		while (history.entries.size() > this.maxCount || history.bytes > this.maxBytes) {
			history.lostUpTo = history.removeFirst().position();
		}
		return taken;
	}

	/**
	 * Return the broadcasts this node keeps of an origin, for a peer that has just
	 * joined.
	 * @param origin the origin
	 * @return the broadcasts, in ascending order of position
	 */
	public List<Kept> kept(String origin) {
		expire();
		Origin history = this.origins.get(origin);
		if (history == null) {
			return List.of();
		}
		List<Kept> kept = new ArrayList<>(history.entries.size());
		for (Entry entry : history.entries) {
			String frame = entry.frame().text();
			// "b <origin> <position> <text>"
			int start = frame.indexOf(' ', frame.indexOf(' ', 2) + 1) + 1;
			kept.add(new Kept(entry.position(), frame.substring(start)));
		}
		return kept;
	}

	/**
	 * Return the origins this node remembers.
	 * @return their ids
	 */
	public List<String> origins() {
		expire();
		return new ArrayList<>(this.origins.keySet());
	}

	/**
	 * Return the last position of every origin this node remembers: where a new client
	 * starts counting.
	 * @return the positions by origin
	 */
	public Map<String, Long> positions() {
		expire();
		Map<String, Long> positions = new LinkedHashMap<>();
		this.origins.forEach((origin, history) -> positions.put(origin, history.last));
		return positions;
	}

	/**
	 * Return what a client that last received the given positions has missed.
	 * @param received the last position the client received per origin
	 * @return the broadcasts to replay, the origins with a gap, and the position the
	 * client is to count from per origin: just before the first broadcast replayed, or
	 * where it is if it has missed nothing this node keeps
	 */
	public Replay replay(Map<String, Long> received) {
		expire();
		List<OutboundText> frames = new ArrayList<>();
		List<String> gaps = new ArrayList<>();
		Map<String, Long> positions = new LinkedHashMap<>();
		this.origins.forEach((origin, history) -> {
			Long last = received.get(origin);
			long after = (last != null) ? last : 0;
			if (after < history.last) {
				long first = history.entries.isEmpty() ? history.last + 1 : history.entries.peekFirst().position();
				// A client without the origin has received none of its broadcasts: it missed
				// some if this node dropped some, or never had the first ones
				if (first > after + 1 && (last != null || history.lostUpTo > 0 || history.firstRecorded > 1)) {
					gaps.add(origin);
				}
				long start = -1;
				for (Entry entry : history.entries) {
					if (entry.position() > after) {
						frames.add(entry.frame());
						start = (start < 0) ? entry.position() - 1 : start;
					}
				}
				// Where the client counts from: just before the first frame replayed, so
				// that it skips none of them
				positions.put(origin, (start >= 0) ? start : history.last);
			}
			else {
				positions.put(origin, after);
			}
		});
		received.entrySet()
			.stream()
			.filter((entry) -> !this.origins.containsKey(entry.getKey()))
			.sorted(Map.Entry.<String, Long>comparingByKey(Comparator.reverseOrder()))
			.limit(MAX_UNKNOWN_ORIGINS)
			.forEach((entry) -> positions.put(entry.getKey(), entry.getValue()));
		return new Replay(frames, gaps, positions);
	}

	/**
	 * Return the bytes this history holds.
	 * @return the UTF-8 size of the frames kept
	 */
	public long bytes() {
		return this.origins.values().stream().mapToLong((history) -> history.bytes).sum();
	}

	private void expire() {
		long now = this.nanoClock.getAsLong();
		for (Iterator<Origin> iterator = this.origins.values().iterator(); iterator.hasNext();) {
			Origin history = iterator.next();
			while (!history.entries.isEmpty() && now - history.entries.peekFirst().time() > this.maxAgeNanos) {
				history.removeFirst();
			}
			// Its last position outlives its broadcasts by a window, so that a client that
			// missed them learns of the gap
			long quiet = now - history.lastTime;
			if (history.entries.isEmpty() && quiet > this.maxAgeNanos && quiet - this.maxAgeNanos > this.maxAgeNanos) {
				iterator.remove();
			}
		}
	}

	/**
	 * What a client missed.
	 *
	 * @param frames the {@code b} frames to send it, in order per origin
	 * @param gaps the origins of which it missed broadcasts this node no longer keeps
	 * @param positions the position per origin the client counts from before the frames
	 */
	public record Replay(List<OutboundText> frames, List<String> gaps, Map<String, Long> positions) {

	}

	/**
	 * A broadcast that a node keeps, as passed to a peer.
	 *
	 * @param position its position among its origin's broadcasts
	 * @param text the message
	 */
	public record Kept(long position, String text) {

	}

	private record Entry(long position, OutboundText frame, long time) {

	}

	private static final class Origin {

		private final ArrayDeque<Entry> entries = new ArrayDeque<>();

		private long bytes;

		private long last;

		private long lastTime;

		/** The last position dropped for the bounds of count or bytes, not for age. */
		private long lostUpTo;

		/**
		 * The first position this node recorded: above 1 when the origin broadcast before
		 * this node was linked to it.
		 */
		private long firstRecorded;

		void add(Entry entry) {
			this.entries.addLast(entry);
			this.bytes += entry.frame().size();
		}

		Entry removeFirst() {
			Entry entry = this.entries.removeFirst();
			this.bytes -= entry.frame().size();
			return entry;
		}

	}

}

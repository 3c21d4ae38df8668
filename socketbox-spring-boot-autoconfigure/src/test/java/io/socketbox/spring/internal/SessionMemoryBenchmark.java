package io.socketbox.spring.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.socketbox.spring.internal.session.BroadcastHistory;
import io.socketbox.spring.internal.session.DirectBuffer;
import io.socketbox.spring.internal.session.SessionFrames;

/**
 * Prints what sessions keep on the heap: a session waiting for its client, empty and
 * with its buffer full at the defaults (100 messages, 64 KB), and a broadcast in the
 * history, per message size. Measured as the growth of the used heap after full
 * collections, over many objects; run its {@code main} with the test class path (and
 * {@code -Xmx2g}). Not a test.
 */
public final class SessionMemoryBenchmark {

	private static final int SESSIONS = 20_000;

	private static final int BROADCASTS = 1_000;

	private static final int ORIGINS = 20;

	private SessionMemoryBenchmark() {
	}

	public static void main(String[] args) {
		System.out.printf("%-52s %12s%n", "what", "bytes each");
		System.out.printf("%-52s %,12d%n", "waiting session, nothing kept", perSession(0, 0));
		System.out.printf("%-52s %,12d%n", "waiting session, 10 messages of 100 B kept", perSession(10, 100));
		System.out.printf("%-52s %,12d%n", "waiting session, 100 messages of 100 B kept", perSession(100, 100));
		System.out.printf("%-52s %,12d%n", "waiting session, buffer full (64 KB of 1 KB messages)",
				perSession(100, 1024));
		for (int size : new int[] { 100, 1024 }) {
			System.out.printf("%-52s %,12d%n", "broadcast of " + size + " B in the history", perBroadcast(size));
		}
	}

	private static long perSession(int messages, int size) {
		int count = (messages * (long) size > 16 * 1024) ? SESSIONS / 10 : SESSIONS;
		String text = "x".repeat(size);
		long before = usedAfterGc();
		List<SessionConnection> sessions = new ArrayList<>(count);
		Principal principal = () -> "user";
		for (int i = 0; i < count; i++) {
			DirectBuffer buffer = new DirectBuffer(SessionSettings.DEFAULTS.bufferSize(),
					SessionSettings.DEFAULTS.bufferBytes());
			SessionConnection session = new SessionConnection("0mx4k9mvvrsub3e." + i, principal, Map.of(), buffer,
					(s, status) -> {
					}, null, System.nanoTime(), 0);
			for (int m = 0; m < messages; m++) {
				// A message of its own, as a direct send's is
				session.deliver(OutboundText.of(text + m));
			}
			sessions.add(session);
		}
		long after = usedAfterGc();
		keep(sessions);
		return (after - before) / count;
	}

	private static long perBroadcast(int size) {
		String text = "x".repeat(size);
		long before = usedAfterGc();
		List<BroadcastHistory> histories = new ArrayList<>();
		for (int h = 0; h < 10; h++) {
			BroadcastHistory history = new BroadcastHistory(BROADCASTS, Long.MAX_VALUE, Long.MAX_VALUE, System::nanoTime);
			Map<String, Long> positions = new HashMap<>();
			for (int i = 0; i < BROADCASTS * ORIGINS; i++) {
				String origin = "0mx4k9mvvrsub" + (i % ORIGINS);
				long position = positions.merge(origin, 1L, Long::sum);
				history.record(origin, position, SessionFrames.broadcast(origin, position, OutboundText.of(text + i)));
			}
			histories.add(history);
		}
		long after = usedAfterGc();
		keep(histories);
		return (after - before) / (10L * BROADCASTS * ORIGINS);
	}

	private static volatile Object sink;

	private static void keep(Object object) {
		sink = object;
		sink = null;
	}

	private static long usedAfterGc() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

}

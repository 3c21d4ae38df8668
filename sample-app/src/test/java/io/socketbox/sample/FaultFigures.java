package io.socketbox.sample;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;

/**
 * Timing and reporting for the process tests: how long until a condition held after a
 * fault, and each figure printed as one line {@code FAULT <test> <figure>=<value>}.
 */
final class FaultFigures {

	private FaultFigures() {
	}

	/**
	 * Poll the conditions every 50 ms, the first time at once, until each has held once;
	 * a call that fails with an {@link UncheckedIOException} (a node that does not answer)
	 * counts as not holding yet.
	 * @return for each, in the order they first held, the milliseconds from {@code since} to when
	 * it was first seen to hold
	 */
	static Map<String, Long> millisUntilEach(long since, Duration atMost, Map<String, Callable<Boolean>> conditions) {
		Map<String, Long> firstHeld = Collections.synchronizedMap(new LinkedHashMap<>());
		await().alias("each of " + conditions.keySet())
			.atMost(atMost)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.until(() -> {
				for (Map.Entry<String, Callable<Boolean>> condition : conditions.entrySet()) {
					if (!firstHeld.containsKey(condition.getKey()) && condition.getValue().call()) {
						firstHeld.put(condition.getKey(), millis(since, System.nanoTime()));
					}
				}
				return firstHeld.size() == conditions.size();
			});
		synchronized (firstHeld) {
			return new LinkedHashMap<>(firstHeld);
		}
	}

	/**
	 * The whole milliseconds between two {@link System#nanoTime()} readings.
	 */
	static long millis(long since, long until) {
		return Duration.ofNanos(until - since).toMillis();
	}

	static void figure(String fault, String name, Object value) {
		System.out.println("FAULT " + fault + " " + name + "=" + value);
	}

}

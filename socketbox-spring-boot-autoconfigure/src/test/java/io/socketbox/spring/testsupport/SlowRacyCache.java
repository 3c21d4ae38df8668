package io.socketbox.spring.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.socketbox.spring.cache.CacheProvider;

/**
 * A deliberately bad shared cache: only get, set and clear, each taking 5 to 25 ms, so
 * that the read-modify-write of a member list loses concurrent writes.
 */
public final class SlowRacyCache {

	private static final Map<String, String> entries = new ConcurrentHashMap<>();

	/**
	 * The provider that every node in this JVM shares.
	 */
	public static final CacheProvider SHARED = CacheProvider.of((key) -> {
		latency();
		return entries.get(key);
	}, (key, value) -> {
		latency();
		entries.put(key, value);
	}, (key) -> {
		latency();
		entries.remove(key);
	});

	private SlowRacyCache() {
	}

	private static void latency() {
		// Simulated network and store latency, not a wait for a test condition
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextInt(5, 26)));
	}

}

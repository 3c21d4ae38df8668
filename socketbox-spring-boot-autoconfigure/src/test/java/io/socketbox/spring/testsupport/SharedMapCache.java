package io.socketbox.spring.testsupport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.socketbox.spring.cache.CacheProvider;

/**
 * A shared cache with only get, set and clear, and so no atomic compare-and-set: a map
 * that every node in this JVM shares. Tests keep apart by cache prefix.
 */
public final class SharedMapCache {

	private static final Map<String, String> entries = new ConcurrentHashMap<>();

	/**
	 * The provider that every node in this JVM shares.
	 */
	public static final CacheProvider SHARED = CacheProvider.of(entries::get, entries::put, entries::remove);

	private SharedMapCache() {
	}

}

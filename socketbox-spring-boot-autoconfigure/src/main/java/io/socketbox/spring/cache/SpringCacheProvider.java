package io.socketbox.spring.cache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.util.Assert;

/**
 * A {@link CacheProvider} over one cache of Spring's cache abstraction, for a
 * distributed cache that the application already has (Hazelcast, Infinispan, Redis
 * through Spring's {@code RedisCacheManager}, ...). Per-JVM caches such as Caffeine or
 * {@code ConcurrentMapCache} cannot form a cluster: each node would only see itself.
 * <p>
 * Values are {@link String} entries ({@link Cache#put put}, {@link Cache#get get},
 * {@link Cache#evictIfPresent evictIfPresent}). A set is one entry holding an
 * {@link ArrayList} of its members. The {@link Cache} API offers
 * {@link Cache#putIfAbsent putIfAbsent} but no compare-and-set, so adding to or removing
 * from an existing set is a read-modify-write that concurrent writers can lose; every
 * node re-adds itself on each refresh, so a lost registration heals within one refresh
 * interval. The cache must store values that Java serialization or the cache's own
 * serializer can carry: strings and lists of strings.
 * <p>
 * Compare-and-set on a missing key is {@link Cache#putIfAbsent putIfAbsent}, which is
 * atomic. Replacing and removing a value that matches are atomic only when the cache's
 * native cache is a {@link ConcurrentMap} holding the values as they are: then they are
 * {@link ConcurrentMap#replace(Object, Object, Object)} and
 * {@link ConcurrentMap#remove(Object, Object)}. That holds for Hazelcast (an
 * {@code IMap}) and Spring's {@link ConcurrentMapCache} unless it stores by value.
 * Other caches (Caffeine, JCache, Spring Data Redis's {@code RedisCache}, ...) get a
 * read, a compare and a write that concurrent writers can interleave, and
 * {@link #isCompareAndSetAtomic()} says so.
 * <p>
 * The cache decides expiry: {@link #set(String, String, java.time.Duration)} ignores
 * the time to live, since the API has no per-entry expiry; configure one on the cache
 * (for example a Hazelcast map's time to live) if entries of departed nodes must go
 * away without being cleared. Discovery expires members on its own either way.
 * <p>
 * An entry of another Java type (a list where a value is expected, a string where a
 * set is expected, a list with elements other than strings) is thrown as a
 * {@link CacheContentException} naming the key and the type found;
 * {@link #set(String, String)} and {@link #clear(String)} replace or remove it.
 *
 * @see RedisCacheProvider
 */
public final class SpringCacheProvider implements CacheProvider {

	private final Cache cache;

	private final @Nullable ConcurrentMap<Object, Object> nativeMap;

	/**
	 * Create a provider that stores its entries in the given cache.
	 * @param cache the cache to use
	 */
	public SpringCacheProvider(Cache cache) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
		this.nativeMap = nativeMap(cache);
	}

	/**
	 * Return the native map of a cache that holds values as they are put, so that
	 * comparing on the map compares the strings this provider writes.
	 */
	@SuppressWarnings("unchecked")
	private static @Nullable ConcurrentMap<Object, Object> nativeMap(Cache cache) {
		if (cache instanceof ConcurrentMapCache concurrentMapCache) {
			return concurrentMapCache.isStoreByValue() ? null : concurrentMapCache.getNativeCache();
		}
		if (cache.getClass().getName().equals("com.hazelcast.spring.cache.HazelcastCache")
				&& cache.getNativeCache() instanceof ConcurrentMap<?, ?> map) {
			return (ConcurrentMap<Object, Object>) map;
		}
		return null;
	}

	/**
	 * Return the cache that this provider uses.
	 * @return the cache
	 */
	public Cache getCache() {
		return this.cache;
	}

	@Override
	public @Nullable String get(String key) {
		Object value = read(key);
		if (value == null || value instanceof String) {
			return (String) value;
		}
		throw unexpected(key, value, "a string");
	}

	@Override
	public void set(String key, String value) {
		this.cache.put(key, value);
	}

	@Override
	public void clear(String key) {
		this.cache.evictIfPresent(key);
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		if (expected == null) {
			Cache.ValueWrapper existing = this.cache.putIfAbsent(key, value);
			Object current = (existing != null) ? existing.get() : null;
			if (current != null && !(current instanceof String)) {
				throw unexpected(key, current, "a string");
			}
			return existing == null;
		}
		if (this.nativeMap != null) {
			return this.nativeMap.replace(key, expected, value) || failsOnContent(key);
		}
		if (!expected.equals(get(key))) {
			return false;
		}
		this.cache.put(key, value);
		return true;
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		if (this.nativeMap != null) {
			return this.nativeMap.remove(key, expected) || failsOnContent(key);
		}
		if (!expected.equals(get(key))) {
			return false;
		}
		this.cache.evict(key);
		return true;
	}

	/**
	 * Return {@code false} when the key holds a string or nothing; throw what
	 * {@link #get(String)} throws when it holds an entry of another type, so that such
	 * an entry is reported rather than taken for a mismatch.
	 */
	private boolean failsOnContent(String key) {
		get(key);
		return false;
	}

	/**
	 * Whether compare-and-set is atomic: when the cache's native cache is a
	 * {@link ConcurrentMap} that holds the values as they are.
	 * @return whether compare-and-set is atomic
	 */
	@Override
	public boolean isCompareAndSetAtomic() {
		return this.nativeMap != null;
	}

	@Override
	public void addMember(String key, String member) {
		Object current = read(key);
		if (current == null) {
			// putIfAbsent is atomic: concurrent writers cannot lose the first member
			Cache.ValueWrapper existing = this.cache.putIfAbsent(key, new ArrayList<>(List.of(member)));
			if (existing == null) {
				return;
			}
			current = existing.get();
		}
		Set<String> members = toMembers(key, current);
		if (members.add(member)) {
			this.cache.put(key, new ArrayList<>(members));
		}
	}

	@Override
	public void removeMember(String key, String member) {
		Set<String> members = members(key);
		if (members.remove(member)) {
			if (members.isEmpty()) {
				this.cache.evictIfPresent(key);
			}
			else {
				this.cache.put(key, new ArrayList<>(members));
			}
		}
	}

	@Override
	public Set<String> members(String key) {
		return toMembers(key, read(key));
	}

	private @Nullable Object read(String key) {
		Cache.ValueWrapper wrapper = this.cache.get(key);
		return (wrapper != null) ? wrapper.get() : null;
	}

	private static Set<String> toMembers(String key, @Nullable Object value) {
		Set<String> members = new LinkedHashSet<>();
		if (value == null) {
			return members;
		}
		if (!(value instanceof Collection<?> collection)) {
			throw unexpected(key, value, "a list of members");
		}
		for (Object member : collection) {
			if (!(member instanceof String name)) {
				throw new CacheContentException(key,
						"a list with " + ((member != null) ? "a " + member.getClass().getName() : "null"),
						"a list of strings", null);
			}
			members.add(name);
		}
		return members;
	}

	private static CacheContentException unexpected(String key, Object value, String expected) {
		return new CacheContentException(key, "a " + value.getClass().getName(), expected, null);
	}

}

package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The shared store that cluster nodes use to register and discover each other. Only
 * {@link #get(String)}, {@link #set(String, String)} and {@link #clear(String)} are
 * required; the richer operations have read-modify-write defaults that providers with
 * atomic operations (Redis, JDBC, the in-memory and file-system providers) override.
 * <p>
 * Use a key either for a value or for a set, never for both: providers differ in what
 * {@link #get(String)} returns for a set key. {@link #clear(String)} removes either.
 * <p>
 * Failures come in two kinds. When a key holds something the operation cannot use
 * (another data type, an entry of an unexpected Java type, content the provider did not
 * write), the operation throws a {@link CacheContentException} that names the key and
 * what it holds: the cache was reached, and {@link #clear(String)} repairs the key. Any
 * other exception means that the cache could not be reached or failed. A missing key is
 * no failure: {@link #get(String)} returns {@code null} and {@link #members(String)} an
 * empty set.
 * <p>
 * {@link #compareAndSet(String, String, String)} and {@link #clearIfEquals(String, String)}
 * are what a lease needs. Providers that implement them atomically say so with
 * {@link #isCompareAndSetAtomic()}; the defaults are a read, a compare and a write that
 * concurrent writers can interleave, and must not be used to elect anything.
 * <p>
 * The cache carries registrations only; messages travel over direct peer links.
 *
 * @see #of(Function, BiConsumer, Consumer)
 * @see InMemoryCacheProvider
 * @see FileSystemCacheProvider
 * @see RedisCacheProvider
 * @see JdbcCacheProvider
 * @see SpringCacheProvider
 */
public interface CacheProvider {

	/**
	 * Return the value stored under the given key.
	 * @param key the key
	 * @return the value, or {@code null} when the key is missing
	 * @throws CacheContentException when the key holds something other than a value
	 * that this provider can read
	 */
	@Nullable String get(String key);

	/**
	 * Store a value under the given key, replacing any previous value.
	 * @param key the key
	 * @param value the value
	 */
	void set(String key, String value);

	/**
	 * Remove the given key. Removing a missing key does nothing.
	 * @param key the key
	 */
	void clear(String key);

	/**
	 * Store a value that the provider may drop after the given time to live. The
	 * default ignores the time to live: discovery expires members on its own.
	 * @param key the key
	 * @param value the value
	 * @param timeToLive how long the value needs to be kept at least
	 */
	default void set(String key, String value, Duration timeToLive) {
		set(key, value);
	}

	/**
	 * Add a member to the set stored under the given key. The default is a
	 * read-modify-write that concurrent writers can lose; discovery re-adds its own
	 * member on every refresh to heal such losses.
	 * @param key the key of the set
	 * @param member the member to add
	 */
	default void addMember(String key, String member) {
		Set<String> members = members(key);
		if (members.add(member)) {
			set(key, String.join("\n", members));
		}
	}

	/**
	 * Remove a member from the set stored under the given key.
	 * @param key the key of the set
	 * @param member the member to remove
	 */
	default void removeMember(String key, String member) {
		Set<String> members = members(key);
		if (members.remove(member)) {
			set(key, String.join("\n", members));
		}
	}

	/**
	 * Return the members of the set stored under the given key.
	 * @param key the key of the set
	 * @return a mutable copy of the members, empty when the key is missing
	 * @throws CacheContentException when the key holds something other than a set that
	 * this provider can read
	 */
	default Set<String> members(String key) {
		String value = get(key);
		if (value == null || value.isEmpty()) {
			return new LinkedHashSet<>();
		}
		return Arrays.stream(value.split("\n")).collect(Collectors.toCollection(LinkedHashSet::new));
	}

	/**
	 * Store a value under the given key if the key holds the expected value, replacing
	 * any time to live with none. A value whose time to live has passed counts as
	 * missing. The default is a read, a compare and a write that concurrent writers can
	 * interleave: see {@link #isCompareAndSetAtomic()}.
	 * @param key the key
	 * @param expected the value that the key must hold, or {@code null} for a key that
	 * must be missing
	 * @param value the value to store
	 * @return whether the value was stored
	 * @throws CacheContentException when the key holds something other than a value
	 * that this provider can read
	 */
	default boolean compareAndSet(String key, @Nullable String expected, String value) {
		if (!Objects.equals(get(key), expected)) {
			return false;
		}
		set(key, value);
		return true;
	}

	/**
	 * Store a value that the provider may drop after the given time to live, if the key
	 * holds the expected value. The default ignores the time to live, as
	 * {@link #set(String, String, Duration)} does, and is not atomic.
	 * @param key the key
	 * @param expected the value that the key must hold, or {@code null} for a key that
	 * must be missing
	 * @param value the value to store
	 * @param timeToLive how long the value needs to be kept at least
	 * @return whether the value was stored
	 * @throws CacheContentException when the key holds something other than a value
	 * that this provider can read
	 * @see #compareAndSet(String, String, String)
	 */
	default boolean compareAndSet(String key, @Nullable String expected, String value, Duration timeToLive) {
		return compareAndSet(key, expected, value);
	}

	/**
	 * Remove the given key if it holds the expected value. The default is a read, a
	 * compare and a remove that concurrent writers can interleave.
	 * @param key the key
	 * @param expected the value that the key must hold
	 * @return whether the key was removed
	 * @throws CacheContentException when the key holds something other than a value
	 * that this provider can read
	 */
	default boolean clearIfEquals(String key, String expected) {
		if (!expected.equals(get(key))) {
			return false;
		}
		clear(key);
		return true;
	}

	/**
	 * Whether {@link #compareAndSet(String, String, String)},
	 * {@link #compareAndSet(String, String, String, Duration)} and
	 * {@link #clearIfEquals(String, String)} are atomic: of any number of nodes that
	 * compare against the same value at the same time, at most one succeeds, and no
	 * other write to the key falls between its compare and its write.
	 * @return {@code false} unless the provider overrides all three with atomic
	 * operations
	 */
	default boolean isCompareAndSetAtomic() {
		return false;
	}

	/**
	 * Create a provider from three functions, for a store that offers nothing more.
	 * @param get returns the value of a key, or {@code null} when it is missing
	 * @param set stores a value under a key
	 * @param clear removes a key
	 * @return a provider that delegates to the functions
	 */
	static CacheProvider of(Function<String, @Nullable String> get, BiConsumer<String, String> set,
			Consumer<String> clear) {
		return new CacheProvider() {

			@Override
			public @Nullable String get(String key) {
				return get.apply(key);
			}

			@Override
			public void set(String key, String value) {
				set.accept(key, value);
			}

			@Override
			public void clear(String key) {
				clear.accept(key);
			}

		};
	}

}

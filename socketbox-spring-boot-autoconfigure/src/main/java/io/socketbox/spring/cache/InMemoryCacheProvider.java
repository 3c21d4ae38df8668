package io.socketbox.spring.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A {@link CacheProvider} that keeps everything in the memory of a single JVM, for
 * tests and single-node applications. All operations are thread-safe; set operations,
 * compare-and-set and {@link #clearIfEquals(String, String)} are atomic per key.
 * <p>
 * Values and sets live in separate maps: {@link #get(String)} of a key that only holds a
 * set returns {@code null}, and {@link #members(String)} of a key that only holds a value
 * is empty. {@link #clear(String)} removes both. Nothing else can write to the maps, so
 * the provider never throws {@link CacheContentException}.
 * <p>
 * Values stored with a time to live are dropped lazily: once the time has passed,
 * {@link #get(String)} returns {@code null} and removes the entry.
 *
 * @see FileSystemCacheProvider
 * @see RedisCacheProvider
 */
public final class InMemoryCacheProvider implements CacheProvider {

	private final ConcurrentMap<String, Entry> values = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, Set<String>> sets = new ConcurrentHashMap<>();

	private final Clock clock;

	/**
	 * Create a provider that measures time to live with the system clock.
	 */
	public InMemoryCacheProvider() {
		this(Clock.systemUTC());
	}

	/**
	 * Create a provider that measures time to live with the given clock.
	 * @param clock the clock to use
	 */
	public InMemoryCacheProvider(Clock clock) {
		Assert.notNull(clock, "'clock' must not be null");
		this.clock = clock;
	}

	@Override
	public @Nullable String get(String key) {
		Entry entry = this.values.get(key);
		if (entry == null) {
			return null;
		}
		if (entry.isExpired(this.clock.instant())) {
			// Conditional remove: a fresh value stored meanwhile stays
			this.values.remove(key, entry);
			return null;
		}
		return entry.value();
	}

	@Override
	public void set(String key, String value) {
		this.values.put(key, new Entry(value, null));
	}

	/**
	 * Store a value that {@link #get(String)} stops returning once the time to live has
	 * passed.
	 * @param key the key
	 * @param value the value
	 * @param timeToLive how long to keep the value, must be positive
	 */
	@Override
	public void set(String key, String value, Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		this.values.put(key, new Entry(value, this.clock.instant().plus(timeToLive)));
	}

	@Override
	public void clear(String key) {
		this.values.remove(key);
		this.sets.remove(key);
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		return compareAndSet(key, expected, new Entry(value, null));
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value, Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		return compareAndSet(key, expected, new Entry(value, this.clock.instant().plus(timeToLive)));
	}

	private boolean compareAndSet(String key, @Nullable String expected, Entry replacement) {
		Instant now = this.clock.instant();
		boolean[] stored = new boolean[1];
		this.values.compute(key, (k, entry) -> {
			String current = (entry != null && !entry.isExpired(now)) ? entry.value() : null;
			stored[0] = Objects.equals(current, expected);
			return stored[0] ? replacement : entry;
		});
		return stored[0];
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		Instant now = this.clock.instant();
		boolean[] removed = new boolean[1];
		this.values.computeIfPresent(key, (k, entry) -> {
			removed[0] = !entry.isExpired(now) && entry.value().equals(expected);
			return removed[0] ? null : entry;
		});
		return removed[0];
	}

	@Override
	public boolean isCompareAndSetAtomic() {
		return true;
	}

	@Override
	public void addMember(String key, String member) {
		this.sets.compute(key, (k, members) -> {
			Set<String> result = (members != null) ? members : ConcurrentHashMap.newKeySet();
			result.add(member);
			return result;
		});
	}

	@Override
	public void removeMember(String key, String member) {
		this.sets.computeIfPresent(key, (k, members) -> {
			members.remove(member);
			return members.isEmpty() ? null : members;
		});
	}

	@Override
	public Set<String> members(String key) {
		Set<String> members = this.sets.get(key);
		return (members != null) ? new LinkedHashSet<>(members) : new LinkedHashSet<>();
	}

	private record Entry(String value, @Nullable Instant expiresAt) {

		boolean isExpired(Instant now) {
			return this.expiresAt != null && !now.isBefore(this.expiresAt);
		}

	}

}

package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.Assert;

/**
 * A {@link CacheProvider} backed by Redis through a {@link StringRedisTemplate}. Values
 * map to {@code GET}, {@code SET} (with {@code PX} for a time to live) and {@code DEL};
 * sets map to {@code SADD}, {@code SREM} and {@code SMEMBERS}, which Redis applies
 * atomically. The provider never uses {@code KEYS}.
 * <p>
 * Compare-and-set is atomic: on a missing key it is {@code SET NX} (with {@code PX}
 * for a time to live), on a value a Lua script that compares and sets in one step, as
 * Redis runs every script; {@link #clearIfEquals(String, String)} is a script too.
 * Redis expires keys on its own clock.
 * <p>
 * Values and sets share the Redis key space: reading a set key with
 * {@link #get(String)}, or a value key with {@link #members(String)}, fails with a Redis
 * {@code WRONGTYPE} error, which Spring Data Redis throws as a
 * {@code RedisSystemException} caused by the driver's exception. The provider throws it
 * as a {@link CacheContentException} naming the key and the type that Redis reports for
 * it ({@code TYPE}), so that a key of the wrong type is never mistaken for an outage.
 * {@link #set(String, String)} replaces a key of any type and {@link #clear(String)}
 * removes one.
 *
 * @see InMemoryCacheProvider
 */
public final class RedisCacheProvider implements CacheProvider {

	/**
	 * What the scripts return for a key of another type than string: Redis reports a
	 * {@code WRONGTYPE} error inside a script differently across versions.
	 */
	private static final long WRONG_TYPE = -1;

	/**
	 * The start of both scripts: {@link #WRONG_TYPE} for a key of another type, 0 when
	 * the value is not the expected one.
	 */
	private static final String CHECK_EXPECTED = """
			local type = redis.call('TYPE', KEYS[1]).ok
			if type ~= 'string' and type ~= 'none' then
				return -1
			end
			if redis.call('GET', KEYS[1]) ~= ARGV[1] then
				return 0
			end
			""";

	private static final RedisScript<Long> COMPARE_AND_SET = RedisScript.of(CHECK_EXPECTED + """
			if ARGV[3] == '' then
				redis.call('SET', KEYS[1], ARGV[2])
			else
				redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			end
			return 1
			""", Long.class);

	private static final RedisScript<Long> CLEAR_IF_EQUALS = RedisScript.of(CHECK_EXPECTED + """
			return redis.call('DEL', KEYS[1])
			""", Long.class);

	private final StringRedisTemplate redisTemplate;

	/**
	 * Create a provider that uses the given template.
	 * @param redisTemplate the template to use
	 */
	public RedisCacheProvider(StringRedisTemplate redisTemplate) {
		Assert.notNull(redisTemplate, "'redisTemplate' must not be null");
		this.redisTemplate = redisTemplate;
	}

	@Override
	public @Nullable String get(String key) {
		return execute(key, "a string", () -> this.redisTemplate.opsForValue().get(key));
	}

	@Override
	public void set(String key, String value) {
		this.redisTemplate.opsForValue().set(key, value);
	}

	/**
	 * Store a value that Redis expires after the time to live, rounded up to whole
	 * milliseconds.
	 * @param key the key
	 * @param value the value
	 * @param timeToLive how long to keep the value, must be positive
	 */
	@Override
	public void set(String key, String value, Duration timeToLive) {
		this.redisTemplate.opsForValue().set(key, value, toMillis(timeToLive), TimeUnit.MILLISECONDS);
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		if (expected == null) {
			return Boolean.TRUE.equals(this.redisTemplate.opsForValue().setIfAbsent(key, value));
		}
		return compareAndSet(key, expected, value, "");
	}

	/**
	 * Store a value that Redis expires after the time to live, rounded up to whole
	 * milliseconds, if the key holds the expected value.
	 * @param key the key
	 * @param expected the value that the key must hold, or {@code null} for a key that
	 * must be missing
	 * @param value the value to store
	 * @param timeToLive how long to keep the value, must be positive
	 * @return whether the value was stored
	 */
	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value, Duration timeToLive) {
		long millis = toMillis(timeToLive);
		if (expected == null) {
			return Boolean.TRUE
				.equals(this.redisTemplate.opsForValue().setIfAbsent(key, value, millis, TimeUnit.MILLISECONDS));
		}
		return compareAndSet(key, expected, value, Long.toString(millis));
	}

	private boolean compareAndSet(String key, String expected, String value, String millis) {
		return run(COMPARE_AND_SET, key, expected, value, millis);
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		return run(CLEAR_IF_EQUALS, key, expected);
	}

	private boolean run(RedisScript<Long> script, String key, String... args) {
		Long result = this.redisTemplate.execute(script, List.of(key), (Object[]) args);
		if (result != null && result == WRONG_TYPE) {
			throw new CacheContentException(key, typeOf(key), "a string", null);
		}
		return result != null && result == 1;
	}

	@Override
	public boolean isCompareAndSetAtomic() {
		return true;
	}

	private static long toMillis(Duration timeToLive) {
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		long millis = timeToLive.toMillis();
		return (timeToLive.compareTo(Duration.ofMillis(millis)) > 0) ? millis + 1 : millis;
	}

	@Override
	public void clear(String key) {
		this.redisTemplate.delete(key);
	}

	@Override
	public void addMember(String key, String member) {
		execute(key, "a set", () -> this.redisTemplate.opsForSet().add(key, member));
	}

	@Override
	public void removeMember(String key, String member) {
		execute(key, "a set", () -> this.redisTemplate.opsForSet().remove(key, member));
	}

	@Override
	public Set<String> members(String key) {
		Set<String> members = execute(key, "a set", () -> this.redisTemplate.opsForSet().members(key));
		return (members != null) ? new LinkedHashSet<>(members) : new LinkedHashSet<>();
	}

	private <T> @Nullable T execute(String key, String expected, Supplier<@Nullable T> operation) {
		try {
			return operation.get();
		}
		catch (RuntimeException ex) {
			if (isWrongType(ex)) {
				throw new CacheContentException(key, typeOf(key), expected, ex);
			}
			throw ex;
		}
	}

	/**
	 * Whether Redis answered {@code WRONGTYPE}: Lettuce's and Jedis's exceptions, which
	 * Spring Data Redis wraps, carry the server's error as their message.
	 */
	private static boolean isWrongType(Throwable ex) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			String message = candidate.getMessage();
			if (message != null && message.startsWith("WRONGTYPE")) {
				return true;
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return false;
	}

	private String typeOf(String key) {
		try {
			DataType type = this.redisTemplate.type(key);
			if (type != null && type != DataType.NONE) {
				return "a " + type.code();
			}
		}
		catch (RuntimeException ex) {
			// The type only makes the message clearer
		}
		return "a value of another type";
	}

}

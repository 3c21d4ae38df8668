package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.Assert;

/**
 * A {@link CacheProvider} backed by Redis through a {@link StringRedisTemplate}. Values
 * map to {@code GET}, {@code SET} (with {@code PX} for a time to live) and {@code DEL};
 * sets map to {@code SADD}, {@code SREM} and {@code SMEMBERS}, which Redis applies
 * atomically. The provider never uses {@code KEYS}.
 * <p>
 * Values and sets share the Redis key space: reading a set key with
 * {@link #get(String)}, or a value key with {@link #members(String)}, fails with a Redis
 * {@code WRONGTYPE} error. {@link #clear(String)} removes a key of either kind.
 *
 * @see InMemoryCacheProvider
 */
public final class RedisCacheProvider implements CacheProvider {

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
		return this.redisTemplate.opsForValue().get(key);
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
		Assert.isTrue(timeToLive.compareTo(Duration.ZERO) > 0, "'timeToLive' must be positive");
		long millis = timeToLive.toMillis();
		if (timeToLive.compareTo(Duration.ofMillis(millis)) > 0) {
			millis++;
		}
		this.redisTemplate.opsForValue().set(key, value, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void clear(String key) {
		this.redisTemplate.delete(key);
	}

	@Override
	public void addMember(String key, String member) {
		this.redisTemplate.opsForSet().add(key, member);
	}

	@Override
	public void removeMember(String key, String member) {
		this.redisTemplate.opsForSet().remove(key, member);
	}

	@Override
	public Set<String> members(String key) {
		Set<String> members = this.redisTemplate.opsForSet().members(key);
		return (members != null) ? new LinkedHashSet<>(members) : new LinkedHashSet<>();
	}

}

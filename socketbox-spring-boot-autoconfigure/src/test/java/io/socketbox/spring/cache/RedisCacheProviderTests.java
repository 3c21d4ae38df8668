package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.socketbox.spring.testsupport.EmbeddedRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisCacheProvider} against a real Redis server.
 */
class RedisCacheProviderTests extends CacheProviderContractTests {

	private static EmbeddedRedis redis;

	private static LettuceConnectionFactory connectionFactory;

	private static StringRedisTemplate redisTemplate;

	@BeforeAll
	static void startRedis() {
		redis = EmbeddedRedis.startNew();
		connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.getPort()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		redisTemplate = new StringRedisTemplate(connectionFactory);
	}

	@AfterAll
	static void stopRedis() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Override
	protected CacheProvider createProvider() {
		return new RedisCacheProvider(redisTemplate);
	}

	@Override
	protected boolean corruptSet(String key) {
		redisTemplate.opsForValue().set(key, "x");
		return true;
	}

	@Override
	protected boolean corruptValue(String key) {
		redisTemplate.opsForSet().add(key, "x");
		return true;
	}

	@Test
	void setWithTimeToLiveSetsRedisExpiry() {
		provider().set("ttl", "value", Duration.ofSeconds(30));
		try {
			assertThat(provider().get("ttl")).isEqualTo("value");
			assertThat(redisTemplate.getExpire("ttl", TimeUnit.MILLISECONDS)).isBetween(25_000L, 30_000L);
		}
		finally {
			provider().clear("ttl");
		}
	}

	@Test
	void setWithSubMillisecondTimeToLiveRoundsUpToOneMillisecond() {
		// Truncated to 0 ms, Redis would reject the command with "invalid expire time"
		provider().set("ttl", "value", Duration.ofNanos(500_000));
		try {
			assertThat(redisTemplate.getExpire("ttl", TimeUnit.MILLISECONDS)).isIn(-2L, 0L, 1L);
		}
		finally {
			provider().clear("ttl");
		}
	}

	@Test
	void setWithoutTimeToLiveRemovesRedisExpiry() {
		provider().set("ttl", "old", Duration.ofSeconds(30));
		provider().set("ttl", "new");
		try {
			assertThat(redisTemplate.getExpire("ttl")).isEqualTo(-1L);
		}
		finally {
			provider().clear("ttl");
		}
	}

	@Test
	void setWithNonPositiveTimeToLiveWritesNoKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> provider().set("ttl", "value", Duration.ZERO));
		assertThat(redisTemplate.hasKey("ttl")).isFalse();
	}

	@Test
	void compareAndSetWithTimeToLiveSetsRedisExpiry() {
		try {
			assertThat(provider().compareAndSet("ttl", null, "one", Duration.ofSeconds(30))).isTrue();
			assertThat(redisTemplate.getExpire("ttl", TimeUnit.MILLISECONDS)).isBetween(25_000L, 30_000L);
			provider().set("ttl", "two", Duration.ofSeconds(5));
			assertThat(provider().compareAndSet("ttl", "two", "three", Duration.ofSeconds(30))).isTrue();
			assertThat(redisTemplate.getExpire("ttl", TimeUnit.MILLISECONDS)).isBetween(25_000L, 30_000L);
			assertThat(provider().compareAndSet("ttl", "three", "four")).isTrue();
			assertThat(redisTemplate.getExpire("ttl")).isEqualTo(-1L);
		}
		finally {
			provider().clear("ttl");
		}
	}

	@Test
	void compareAndSetOfSetKeyFailsWithContentExceptionAndKeepsSet() {
		provider().addMember("set", "node-1");
		try {
			assertThatExceptionOfType(CacheContentException.class)
				.isThrownBy(() -> provider().compareAndSet("set", "x", "value"))
				.withMessage("Cluster cache key 'set' holds a set, expected a string");
			assertThatExceptionOfType(CacheContentException.class)
				.isThrownBy(() -> provider().clearIfEquals("set", "x"))
				.withMessage("Cluster cache key 'set' holds a set, expected a string");
			assertThat(provider().compareAndSet("set", null, "value")).isFalse();
			assertThat(provider().members("set")).containsExactly("node-1");
		}
		finally {
			provider().clear("set");
		}
	}

	@Test
	void addMemberStoresRedisSet() {
		provider().addMember("set", "node-1");
		try {
			assertThat(redisTemplate.opsForSet().isMember("set", "node-1")).isTrue();
		}
		finally {
			provider().clear("set");
		}
	}

	@Test
	void getOfSetKeyFailsWithContentExceptionCausedByWrongType() {
		provider().addMember("set", "node-1");
		try {
			assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().get("set"))
				.withMessage("Cluster cache key 'set' holds a set, expected a string")
				.withCauseInstanceOf(RedisSystemException.class)
				.withStackTraceContaining("WRONGTYPE");
		}
		finally {
			provider().clear("set");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "string", "list", "hash", "zset" })
	void membersOfKeyOfAnotherTypeNamesKeyAndType(String type) {
		write(DataType.fromCode(type), "wrong");
		try {
			assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("wrong"))
				.withMessage("Cluster cache key 'wrong' holds a " + type + ", expected a set");
			assertThatExceptionOfType(CacheContentException.class)
				.isThrownBy(() -> provider().addMember("wrong", "node-1"))
				.withMessage("Cluster cache key 'wrong' holds a " + type + ", expected a set");
		}
		finally {
			provider().clear("wrong");
		}
	}

	@Test
	void setReplacesKeyOfAnotherType() {
		redisTemplate.opsForList().leftPush("wrong", "x");
		try {
			provider().set("wrong", "value", Duration.ofSeconds(30));
			assertThat(provider().get("wrong")).isEqualTo("value");
		}
		finally {
			provider().clear("wrong");
		}
	}

	@Test
	void contentExceptionEscapesControlCharactersInKey() {
		redisTemplate.opsForValue().set("bad\nkey", "x");
		try {
			assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("bad\nkey"))
				.withMessage("Cluster cache key 'bad\\u000akey' holds a string, expected a set")
				.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("bad\nkey"));
		}
		finally {
			provider().clear("bad\nkey");
		}
	}

	private static void write(DataType type, String key) {
		switch (type) {
			case STRING -> redisTemplate.opsForValue().set(key, "x");
			case LIST -> redisTemplate.opsForList().leftPush(key, "x");
			case HASH -> redisTemplate.opsForHash().put(key, "x", "y");
			case ZSET -> redisTemplate.opsForZSet().add(key, "x", 1);
			default -> throw new IllegalArgumentException(type.name());
		}
	}

}

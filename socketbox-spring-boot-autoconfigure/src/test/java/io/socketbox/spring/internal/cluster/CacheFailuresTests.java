package io.socketbox.spring.internal.cluster;

import java.io.UncheckedIOException;
import java.net.ConnectException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.cache.CacheContentException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheFailures}, with the exceptions that Spring Data Redis and Spring
 * JDBC throw.
 */
class CacheFailuresTests {

	@Test
	void refusedConnectionIsUnreachable() {
		assertThat(CacheFailures.isUnreachable(new RedisConnectionFailureException("Unable to connect",
				new RedisConnectionException("refused", new ConnectException("Connection refused")))))
			.isTrue();
		assertThat(CacheFailures.isUnreachable(new CannotGetJdbcConnectionException("down"))).isTrue();
		assertThat(CacheFailures.isUnreachable(new UncheckedIOException(new ConnectException("refused")))).isTrue();
	}

	@Test
	void timeoutIsUnreachable() {
		assertThat(CacheFailures.isUnreachable(
				new QueryTimeoutException("Redis command timed out", new RedisCommandTimeoutException("timed out"))))
			.isTrue();
	}

	@Test
	void errorAnswerIsNotUnreachable() {
		RedisSystemException noAuth = new RedisSystemException("Error in execution",
				new RedisCommandExecutionException("NOAUTH Authentication required."));
		assertThat(CacheFailures.isUnreachable(noAuth)).isFalse();
		assertThat(CacheFailures.isUnreachable(new CacheContentException("k", "a string", "a set", noAuth))).isFalse();
		assertThat(CacheFailures.isUnreachable(new IllegalStateException("bug"))).isFalse();
	}

}

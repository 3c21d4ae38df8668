package io.socketbox.spring.cache;

import java.time.Duration;
import java.time.Instant;

import io.socketbox.spring.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryCacheProvider}.
 */
class InMemoryCacheProviderTests extends CacheProviderContractTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

	@Override
	protected CacheProvider createProvider() {
		return new InMemoryCacheProvider(this.clock);
	}

	@Override
	protected boolean advanceClock(Duration duration) {
		this.clock.advance(duration);
		return true;
	}

	@Test
	void getOfSetKeyReturnsNull() {
		provider().addMember("set", "node-1");
		assertThat(provider().get("set")).isNull();
	}

}

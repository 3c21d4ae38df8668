package io.socketbox.spring.cache;

import java.time.Duration;
import java.time.Instant;

import io.socketbox.spring.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryCacheProvider}.
 */
class InMemoryCacheProviderTests extends CacheProviderContractTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

	@Override
	protected CacheProvider createProvider() {
		return new InMemoryCacheProvider(this.clock);
	}

	@Test
	void getBeforeTimeToLiveHasPassedReturnsValue() {
		provider().set("ttl", "value", Duration.ofSeconds(10));
		this.clock.advance(Duration.ofSeconds(9));
		assertThat(provider().get("ttl")).isEqualTo("value");
	}

	@Test
	void getAfterTimeToLiveHasPassedReturnsNull() {
		provider().set("ttl", "value", Duration.ofSeconds(10));
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(provider().get("ttl")).isNull();
	}

	@Test
	void setWithoutTimeToLiveReplacesExpiringValue() {
		provider().set("ttl", "old", Duration.ofSeconds(10));
		provider().set("ttl", "new");
		this.clock.advance(Duration.ofDays(1));
		assertThat(provider().get("ttl")).isEqualTo("new");
	}

	@Test
	void setWithTimeToLiveReplacesExpiry() {
		provider().set("ttl", "old", Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(4));
		provider().set("ttl", "new", Duration.ofSeconds(5));
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(provider().get("ttl")).isEqualTo("new");
	}

	@Test
	void setWithNonPositiveTimeToLiveFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> provider().set("ttl", "value", Duration.ZERO))
			.withMessageContaining("timeToLive");
	}

	@Test
	void getOfSetKeyReturnsNull() {
		provider().addMember("set", "node-1");
		assertThat(provider().get("set")).isNull();
	}

}

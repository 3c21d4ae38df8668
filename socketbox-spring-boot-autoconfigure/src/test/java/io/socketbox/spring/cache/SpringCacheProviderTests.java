package io.socketbox.spring.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.cache.concurrent.ConcurrentMapCache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Contract tests for {@link SpringCacheProvider} over a {@link ConcurrentMapCache}.
 */
class SpringCacheProviderTests extends CacheProviderContractTests {

	private final ConcurrentMapCache cache = new ConcurrentMapCache("socketbox");

	@Override
	protected CacheProvider createProvider() {
		return new SpringCacheProvider(this.cache);
	}

	@Override
	protected boolean atomicSets() {
		return false;
	}

	@Test
	void getOfSetKeyReturnsNull() {
		provider().addMember("set", "node-1");
		assertThat(provider().get("set")).isNull();
	}

	@Test
	void membersOfValueKeyIsEmpty() {
		provider().set("value", "node-1");
		assertThat(provider().members("value")).isEmpty();
	}

	@Test
	void setWithTimeToLiveStoresValue() {
		provider().set("ttl", "value", Duration.ofMillis(1));
		assertThat(provider().get("ttl")).isEqualTo("value");
	}

	@Test
	void removingLastMemberEvictsEntry() {
		provider().addMember("set", "node-1");
		provider().removeMember("set", "node-1");
		assertThat(this.cache.get("set")).isNull();
	}

}

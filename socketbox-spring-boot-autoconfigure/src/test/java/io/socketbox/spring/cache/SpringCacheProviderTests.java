package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Override
	protected boolean corruptSet(String key) {
		this.cache.put(key, "a string where a list belongs");
		return true;
	}

	@Override
	protected boolean corruptValue(String key) {
		this.cache.put(key, List.of("a list where a string belongs"));
		return true;
	}

	@Test
	void getOfSetKeyNamesJavaTypeFound() {
		provider().addMember("set", "node-1");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().get("set"))
			.withMessage("Cluster cache key 'set' holds a java.util.ArrayList, expected a string");
	}

	@Test
	void membersOfValueKeyNamesJavaTypeFound() {
		provider().set("value", "node-1");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("value"))
			.withMessage("Cluster cache key 'value' holds a java.lang.String, expected a list of members");
	}

	@Test
	void membersOfListWithOtherElementsNamesElementType() {
		this.cache.put("set", List.of("node-1", 2));
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> provider().members("set"))
			.withMessage("Cluster cache key 'set' holds a list with a java.lang.Integer, expected a list of strings");
	}

	@Test
	void setWithTimeToLiveStoresValue() {
		provider().set("ttl", "value", Duration.ofMillis(1));
		assertThat(provider().get("ttl")).isEqualTo("value");
	}

	@Test
	void compareAndSetIsNotAtomicOnCacheThatStoresByValue() {
		ConcurrentMapCacheManager cacheManager = new ConcurrentMapCacheManager("socketbox");
		cacheManager.setBeanClassLoader(getClass().getClassLoader());
		cacheManager.setStoreByValue(true);
		SpringCacheProvider provider = new SpringCacheProvider(cacheManager.getCache("socketbox"));
		assertThat(provider.isCompareAndSetAtomic()).isFalse();
		assertThat(provider.compareAndSet("key", null, "one")).isTrue();
		assertThat(provider.compareAndSet("key", "one", "two")).isTrue();
		assertThat(provider.get("key")).isEqualTo("two");
		assertThat(provider.clearIfEquals("key", "two")).isTrue();
	}

	@Test
	void compareAndSetIsNotAtomicOnCacheThatDecoratesConcurrentMap() {
		SpringCacheProvider provider = new SpringCacheProvider(new TransactionAwareCacheDecorator(this.cache));
		assertThat(provider.isCompareAndSetAtomic()).isFalse();
	}

	@Test
	void compareAndSetOfListKeyNamesJavaTypeFound() {
		provider().addMember("set", "node-1");
		assertThatExceptionOfType(CacheContentException.class)
			.isThrownBy(() -> provider().compareAndSet("set", "node-1", "value"))
			.withMessage("Cluster cache key 'set' holds a java.util.ArrayList, expected a string");
		assertThatExceptionOfType(CacheContentException.class)
			.isThrownBy(() -> provider().compareAndSet("set", null, "value"))
			.withMessage("Cluster cache key 'set' holds a java.util.ArrayList, expected a string");
		assertThatExceptionOfType(CacheContentException.class)
			.isThrownBy(() -> provider().clearIfEquals("set", "node-1"))
			.withMessage("Cluster cache key 'set' holds a java.util.ArrayList, expected a string");
	}

	@Test
	void removingLastMemberEvictsEntry() {
		provider().addMember("set", "node-1");
		provider().removeMember("set", "node-1");
		assertThat(this.cache.get("set")).isNull();
	}

}

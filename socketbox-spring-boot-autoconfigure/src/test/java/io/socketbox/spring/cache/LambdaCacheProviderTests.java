package io.socketbox.spring.cache;

import java.util.HashMap;
import java.util.Map;

/**
 * Contract tests for {@link CacheProvider#of} over a {@link HashMap}, whose set
 * operations and compare-and-set are the read-modify-write defaults.
 */
class LambdaCacheProviderTests extends CacheProviderContractTests {

	@Override
	protected CacheProvider createProvider() {
		Map<String, String> map = new HashMap<>();
		return CacheProvider.of(map::get, map::put, map::remove);
	}

	@Override
	protected boolean atomicSets() {
		return false;
	}

	@Override
	protected boolean atomicCompareAndSet() {
		return false;
	}

}

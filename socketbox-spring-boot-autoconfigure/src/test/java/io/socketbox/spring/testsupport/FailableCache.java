package io.socketbox.spring.testsupport;

import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.cache.CacheProvider;

/**
 * A cache that passes every call to another until it is told to fail: then every call
 * throws, as a cache the node can no longer reach.
 */
public final class FailableCache implements CacheProvider {

	private final CacheProvider delegate;

	private volatile boolean failing;

	/**
	 * Create a cache over another.
	 * @param delegate the cache to pass calls to
	 */
	public FailableCache(CacheProvider delegate) {
		this.delegate = delegate;
	}

	/**
	 * Make every call fail, or pass again.
	 * @param failing whether calls fail
	 */
	public void setFailing(boolean failing) {
		this.failing = failing;
	}

	@Override
	public @Nullable String get(String key) {
		check();
		return this.delegate.get(key);
	}

	@Override
	public void set(String key, String value) {
		check();
		this.delegate.set(key, value);
	}

	@Override
	public void clear(String key) {
		check();
		this.delegate.clear(key);
	}

	@Override
	public void set(String key, String value, Duration timeToLive) {
		check();
		this.delegate.set(key, value, timeToLive);
	}

	@Override
	public void addMember(String key, String member) {
		check();
		this.delegate.addMember(key, member);
	}

	@Override
	public void removeMember(String key, String member) {
		check();
		this.delegate.removeMember(key, member);
	}

	@Override
	public Set<String> members(String key) {
		check();
		return this.delegate.members(key);
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value) {
		check();
		return this.delegate.compareAndSet(key, expected, value);
	}

	@Override
	public boolean compareAndSet(String key, @Nullable String expected, String value, Duration timeToLive) {
		check();
		return this.delegate.compareAndSet(key, expected, value, timeToLive);
	}

	@Override
	public boolean clearIfEquals(String key, String expected) {
		check();
		return this.delegate.clearIfEquals(key, expected);
	}

	@Override
	public boolean isCompareAndSetAtomic() {
		return this.delegate.isCompareAndSetAtomic();
	}

	private void check() {
		if (this.failing) {
			throw new IllegalStateException("Cache unreachable (FailableCache)");
		}
	}

}

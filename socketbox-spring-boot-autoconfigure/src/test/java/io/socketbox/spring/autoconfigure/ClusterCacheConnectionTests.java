package io.socketbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster node reaches its cache while the application starts, so that the cache
 * client's first connection is not part of its join: it reads the members set before it
 * registers, and leaves the cache alone when the application starts it itself.
 */
class ClusterCacheConnectionTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private final RecordingCache cache = new RecordingCache();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SocketBoxHandler.class, () -> new SocketBoxHandler() {
		})
		.withBean("userCache", CacheProvider.class, () -> this.cache)
		.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + SECRET,
				"socketbox.cluster.host=127.0.0.1");

	@Test
	void nodeReadsTheMembersBeforeItRegisters() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.calls.contains("addMember"));
			// Every call is on the node's registry thread, the read queued when the node was created
			assertThat(this.cache.calls).first().isEqualTo("members");
		});
	}

	@Test
	void nodeThatTheApplicationStartsLeavesTheCacheAlone() {
		this.contextRunner.withPropertyValues("socketbox.cluster.auto-startup=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.cache.calls).isEmpty();
		});
	}

	/**
	 * An in-memory cache that records the name of every call, in order.
	 */
	static final class RecordingCache implements CacheProvider {

		private final CacheProvider delegate = new InMemoryCacheProvider();

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Override
		public @Nullable String get(String key) {
			this.calls.add("get");
			return this.delegate.get(key);
		}

		@Override
		public void set(String key, String value) {
			this.calls.add("set");
			this.delegate.set(key, value);
		}

		@Override
		public void set(String key, String value, Duration timeToLive) {
			this.calls.add("set");
			this.delegate.set(key, value, timeToLive);
		}

		@Override
		public void clear(String key) {
			this.calls.add("clear");
			this.delegate.clear(key);
		}

		@Override
		public void addMember(String key, String member) {
			this.calls.add("addMember");
			this.delegate.addMember(key, member);
		}

		@Override
		public void removeMember(String key, String member) {
			this.calls.add("removeMember");
			this.delegate.removeMember(key, member);
		}

		@Override
		public Set<String> members(String key) {
			this.calls.add("members");
			return this.delegate.members(key);
		}

		@Override
		public boolean compareAndSet(String key, @Nullable String expected, String value) {
			this.calls.add("compareAndSet");
			return this.delegate.compareAndSet(key, expected, value);
		}

		@Override
		public boolean isCompareAndSetAtomic() {
			return this.delegate.isCompareAndSetAtomic();
		}

	}

}

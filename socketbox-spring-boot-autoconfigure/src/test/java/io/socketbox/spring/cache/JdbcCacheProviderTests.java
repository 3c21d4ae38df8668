package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JdbcCacheProvider} against a real H2 database.
 */
class JdbcCacheProviderTests extends CacheProviderContractTests {

	private final JdbcDataSource dataSource = dataSource("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Override
	protected CacheProvider createProvider() {
		return new JdbcCacheProvider(this.dataSource);
	}

	@Test
	void getAfterTimeToLiveHasPassedOnDatabaseClockReturnsNullAndDeletesRow() {
		provider().set("ttl", "value", Duration.ofMillis(100));
		await().atMost(Duration.ofSeconds(5)).until(() -> provider().get("ttl") == null);
		assertThat(rowCount("socketbox_cache")).isZero();
	}

	@Test
	void setWithTimeToLiveStoresExpiryOnDatabaseClock() {
		provider().set("ttl", "value", Duration.ofSeconds(30));
		Integer secondsLeft = JdbcClient.create(this.dataSource)
			.sql("SELECT DATEDIFF(SECOND, CURRENT_TIMESTAMP, expires_at) FROM socketbox_cache WHERE cache_key = 'ttl'")
			.query(Integer.class)
			.single();
		assertThat(secondsLeft).isBetween(28, 30);
	}

	@Test
	void setWithoutTimeToLiveReplacesExpiringValueOnDatabaseClock() {
		provider().set("ttl", "old", Duration.ofMillis(50));
		provider().set("ttl", "new");
		await().during(Duration.ofMillis(100))
			.atMost(Duration.ofSeconds(5))
			.until(() -> "new".equals(provider().get("ttl")));
		assertThat(provider().get("ttl")).isEqualTo("new");
	}

	@Test
	void compareAndSetWithNullExpectedTakesOverRowThatExpiredOnDatabaseClock() {
		provider().set("ttl", "old", Duration.ofMillis(100));
		await().atMost(Duration.ofSeconds(5)).until(() -> provider().compareAndSet("ttl", null, "new"));
		assertThat(provider().get("ttl")).isEqualTo("new");
		assertThat(rowCount("socketbox_cache")).isOne();
	}

	@Test
	void compareAndSetWithTimeToLiveStoresExpiryOnDatabaseClock() {
		provider().set("ttl", "old");
		assertThat(provider().compareAndSet("ttl", "old", "new", Duration.ofSeconds(30))).isTrue();
		Integer secondsLeft = JdbcClient.create(this.dataSource)
			.sql("SELECT DATEDIFF(SECOND, CURRENT_TIMESTAMP, expires_at) FROM socketbox_cache WHERE cache_key = 'ttl'")
			.query(Integer.class)
			.single();
		assertThat(secondsLeft).isBetween(28, 30);
	}

	@Test
	void compareAndSetComparesValuesCaseAndSpaceSensitively() {
		provider().set("key", "Value");
		assertThat(provider().compareAndSet("key", "value", "x")).isFalse();
		assertThat(provider().compareAndSet("key", "Value  ", "x")).isFalse();
		assertThat(provider().clearIfEquals("key", "VALUE")).isFalse();
		assertThat(provider().get("key")).isEqualTo("Value");
	}

	@Test
	void getOfSetKeyReturnsNull() {
		provider().addMember("set", "node-1");
		assertThat(provider().get("set")).isNull();
	}

	@Test
	void setFromConcurrentThreadsOnMissingKeyKeepsOneRow() throws Exception {
		int threads = 8;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < 20; round++) {
				String key = "race-" + round;
				CountDownLatch start = new CountDownLatch(1);
				List<Future<?>> futures = new ArrayList<>();
				for (int thread = 0; thread < threads; thread++) {
					String value = "value-" + thread;
					futures.add(executor.submit(() -> {
						start.await();
						provider().set(key, value, Duration.ofMinutes(1));
						return null;
					}));
				}
				start.countDown();
				for (Future<?> future : futures) {
					future.get(30, TimeUnit.SECONDS);
				}
				assertThat(provider().get(key)).startsWith("value-");
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(rowCount("socketbox_cache")).isEqualTo(20);
	}

	@Test
	void createsTablesWithConfiguredName() {
		JdbcCacheProvider provider = new JdbcCacheProvider(this.dataSource, "custom_cache", true);
		provider.set("key", "value");
		provider.addMember("set", "node-1");
		assertThat(provider.getMemberTableName()).isEqualTo("custom_cache_member");
		assertThat(rowCount("custom_cache")).isOne();
		assertThat(rowCount("custom_cache_member")).isOne();
	}

	@Test
	void withoutCreatingTablesFailsWhenTablesAreMissing() {
		JdbcCacheProvider provider = new JdbcCacheProvider(this.dataSource, "missing_cache", false);
		assertThatExceptionOfType(BadSqlGrammarException.class).isThrownBy(() -> provider.get("key"));
	}

	@Test
	void tableNameThatIsNotPlainSqlNameFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JdbcCacheProvider(this.dataSource, "cache; DROP TABLE users", true))
			.withMessageContaining("tableName");
	}

	@Test
	void twoProvidersOnOneDatabaseServerSeeEachOthersWrites() throws Exception {
		org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		try {
			String url = "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
			JdbcCacheProvider node1 = new JdbcCacheProvider(dataSource(url));
			JdbcCacheProvider node2 = new JdbcCacheProvider(dataSource(url));
			node1.set("socketbox:member:1", "{\"id\":\"1\"}", Duration.ofSeconds(30));
			node1.addMember("socketbox:members", "1");
			node2.addMember("socketbox:members", "2");
			assertThat(node2.get("socketbox:member:1")).isEqualTo("{\"id\":\"1\"}");
			assertThat(node1.members("socketbox:members")).containsExactlyInAnyOrder("1", "2");
			node2.clear("socketbox:member:1");
			node2.removeMember("socketbox:members", "1");
			assertThat(node1.get("socketbox:member:1")).isNull();
			assertThat(node1.members("socketbox:members")).containsExactly("2");
		}
		finally {
			server.stop();
		}
	}

	private int rowCount(String table) {
		return JdbcClient.create(this.dataSource).sql("SELECT COUNT(*) FROM " + table).query(Integer.class).single();
	}

	private static JdbcDataSource dataSource(String url) {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL(url);
		dataSource.setUser("sa");
		return dataSource;
	}

}

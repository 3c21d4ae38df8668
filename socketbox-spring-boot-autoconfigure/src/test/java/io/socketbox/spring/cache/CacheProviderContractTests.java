package io.socketbox.spring.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Behavior that every {@link CacheProvider} shares. Subclasses create the provider.
 */
abstract class CacheProviderContractTests {

	private static final String KEY = "socketbox:test/key";

	private static final String SET_KEY = "socketbox:test/members";

	private static final String TTL_KEY = "ttl";

	private CacheProvider provider;

	/**
	 * Create the provider under test. Called before every test; each call must return a
	 * provider whose store holds none of the keys used by the tests.
	 * @return the provider
	 */
	protected abstract CacheProvider createProvider();

	/**
	 * Whether the provider's set operations are atomic, so that concurrent writers lose
	 * no members.
	 * @return {@code true} unless overridden
	 */
	protected boolean atomicSets() {
		return true;
	}

	/**
	 * Whether the provider's compare-and-set is atomic, so that of racing writers that
	 * expect the same value exactly one succeeds.
	 * @return {@code true} unless overridden
	 */
	protected boolean atomicCompareAndSet() {
		return true;
	}

	/**
	 * Whether the provider expires values set with a time to live.
	 * @return whether the provider implements
	 * {@link CacheProvider#set(String, String, Duration)}; with the interface's default,
	 * it keeps such values like any other, so that the time-to-live tests are skipped
	 */
	protected boolean expiresValues() {
		try {
			return this.provider.getClass().getMethod("set", String.class, String.class, Duration.class)
				.getDeclaringClass() != CacheProvider.class;
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Move the clock that the provider expires values on.
	 * @param duration how far
	 * @return {@code false} when the test cannot move that clock (a database's own, for
	 * example), so that the tests that need it are skipped and the others run without
	 * moving it
	 */
	protected boolean advanceClock(Duration duration) {
		return false;
	}

	/**
	 * Put something other than a set at the given key, behind the provider's back, the
	 * way another writer to the store could.
	 * @param key the key
	 * @return {@code false} when the store cannot hold anything but what the provider
	 * writes there, so that the tests that need it are skipped
	 */
	protected boolean corruptSet(String key) {
		return false;
	}

	/**
	 * Put something other than a value that the provider can read at the given key,
	 * behind the provider's back.
	 * @param key the key
	 * @return {@code false} when the store cannot hold anything but what the provider
	 * writes there
	 */
	protected boolean corruptValue(String key) {
		return false;
	}

	@BeforeEach
	void createProviderUnderTest() {
		this.provider = createProvider();
	}

	@AfterEach
	void clearKeys() {
		this.provider.clear(KEY);
		this.provider.clear(SET_KEY);
		this.provider.clear(TTL_KEY);
	}

	protected final CacheProvider provider() {
		return this.provider;
	}

	@Test
	void getWhenKeyIsMissingReturnsNull() {
		assertThat(this.provider.get(KEY)).isNull();
	}

	@Test
	void getAfterSetReturnsValue() {
		this.provider.set(KEY, "node-1@10.0.0.1:8080");
		assertThat(this.provider.get(KEY)).isEqualTo("node-1@10.0.0.1:8080");
	}

	@Test
	void getAfterSetKeepsValueWithNewlinesAndUnicode() {
		this.provider.set(KEY, "first line\nsecond: ünïcødé ✓");
		assertThat(this.provider.get(KEY)).isEqualTo("first line\nsecond: ünïcødé ✓");
	}

	@Test
	void setOverwritesPreviousValue() {
		this.provider.set(KEY, "one");
		this.provider.set(KEY, "two");
		assertThat(this.provider.get(KEY)).isEqualTo("two");
	}

	@Test
	void setKeepsKeysApart() {
		this.provider.set(KEY, "one");
		this.provider.set(SET_KEY, "two");
		assertThat(this.provider.get(KEY)).isEqualTo("one");
		assertThat(this.provider.get(SET_KEY)).isEqualTo("two");
	}

	@Test
	void clearRemovesValue() {
		this.provider.set(KEY, "one");
		this.provider.clear(KEY);
		assertThat(this.provider.get(KEY)).isNull();
	}

	@Test
	void clearWhenKeyIsMissingDoesNothing() {
		this.provider.clear(KEY);
		assertThat(this.provider.get(KEY)).isNull();
	}

	@Test
	void membersWhenKeyIsMissingIsEmpty() {
		assertThat(this.provider.members(SET_KEY)).isEmpty();
	}

	@Test
	void membersAfterAddMemberContainsMembers() {
		this.provider.addMember(SET_KEY, "node-1");
		this.provider.addMember(SET_KEY, "node-2");
		this.provider.addMember(SET_KEY, "node-1");
		assertThat(this.provider.members(SET_KEY)).containsExactlyInAnyOrder("node-1", "node-2");
	}

	@Test
	void membersKeepsMembersWithSpecialCharacters() {
		this.provider.addMember(SET_KEY, "node-1@10.0.0.1:8080/ws?x=ÄÖ");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-1@10.0.0.1:8080/ws?x=ÄÖ");
	}

	@Test
	void membersAfterRemoveMemberLacksMember() {
		this.provider.addMember(SET_KEY, "node-1");
		this.provider.addMember(SET_KEY, "node-2");
		this.provider.removeMember(SET_KEY, "node-1");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-2");
	}

	@Test
	void membersAfterRemovingLastMemberIsEmpty() {
		this.provider.addMember(SET_KEY, "node-1");
		this.provider.removeMember(SET_KEY, "node-1");
		assertThat(this.provider.members(SET_KEY)).isEmpty();
	}

	@Test
	void removeMemberWhenMissingDoesNothing() {
		this.provider.removeMember(SET_KEY, "node-1");
		this.provider.addMember(SET_KEY, "node-2");
		this.provider.removeMember(SET_KEY, "node-1");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-2");
	}

	@Test
	void membersReturnsMutableCopy() {
		this.provider.addMember(SET_KEY, "node-1");
		Set<String> members = this.provider.members(SET_KEY);
		members.add("node-2");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-1");
	}

	@Test
	void clearRemovesSet() {
		this.provider.addMember(SET_KEY, "node-1");
		this.provider.clear(SET_KEY);
		assertThat(this.provider.members(SET_KEY)).isEmpty();
		this.provider.addMember(SET_KEY, "node-2");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-2");
	}

	@Test
	void getBeforeTimeToLiveHasPassedReturnsValue() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "value", Duration.ofSeconds(10));
		advanceClock(Duration.ofSeconds(9));
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("value");
	}

	@Test
	void getAfterTimeToLiveHasPassedReturnsNull() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "value", Duration.ofSeconds(10));
		advanceClockOrSkip(Duration.ofSeconds(10));
		assertThat(this.provider.get(TTL_KEY)).isNull();
	}

	@Test
	void setWithoutTimeToLiveReplacesExpiringValue() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "old", Duration.ofSeconds(10));
		this.provider.set(TTL_KEY, "new");
		advanceClockOrSkip(Duration.ofDays(1));
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("new");
	}

	@Test
	void setWithTimeToLiveReplacesExpiry() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "old", Duration.ofSeconds(5));
		advanceClockOrSkip(Duration.ofSeconds(4));
		this.provider.set(TTL_KEY, "new", Duration.ofSeconds(5));
		advanceClock(Duration.ofSeconds(4));
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("new");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, -1 })
	void setWithNonPositiveTimeToLiveFails(long seconds) {
		assumeExpiry();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.provider.set(TTL_KEY, "value", Duration.ofSeconds(seconds)))
			.withMessageContaining("timeToLive");
	}

	private void assumeExpiry() {
		assumeTrue(expiresValues(), "the provider does not expire values");
	}

	private void advanceClockOrSkip(Duration duration) {
		assumeTrue(advanceClock(duration), "the test cannot move the provider's clock");
	}

	@Test
	void isCompareAndSetAtomicTellsWhatTheProviderDoes() {
		assertThat(this.provider.isCompareAndSetAtomic()).isEqualTo(atomicCompareAndSet());
	}

	@Test
	void compareAndSetWithNullExpectedStoresValueWhenKeyIsMissing() {
		assertThat(this.provider.compareAndSet(KEY, null, "one")).isTrue();
		assertThat(this.provider.get(KEY)).isEqualTo("one");
	}

	@Test
	void compareAndSetWithNullExpectedKeepsValueWhenKeyIsPresent() {
		this.provider.set(KEY, "one");
		assertThat(this.provider.compareAndSet(KEY, null, "two")).isFalse();
		assertThat(this.provider.get(KEY)).isEqualTo("one");
	}

	@Test
	void compareAndSetReplacesValueThatMatches() {
		this.provider.set(KEY, "one");
		assertThat(this.provider.compareAndSet(KEY, "one", "two")).isTrue();
		assertThat(this.provider.get(KEY)).isEqualTo("two");
	}

	@Test
	void compareAndSetKeepsValueThatDiffers() {
		this.provider.set(KEY, "one");
		assertThat(this.provider.compareAndSet(KEY, "One", "two")).isFalse();
		assertThat(this.provider.compareAndSet(KEY, "one ", "two")).isFalse();
		assertThat(this.provider.get(KEY)).isEqualTo("one");
	}

	@Test
	void compareAndSetWithExpectedValueFailsWhenKeyIsMissing() {
		assertThat(this.provider.compareAndSet(KEY, "one", "two")).isFalse();
		assertThat(this.provider.get(KEY)).isNull();
	}

	@Test
	void compareAndSetComparesWholeValuesWithNewlinesAndUnicode() {
		this.provider.set(KEY, "first line\nsecond: ünïcødé ✓");
		assertThat(this.provider.compareAndSet(KEY, "first line\nsecond: unicode ✓", "two")).isFalse();
		assertThat(this.provider.compareAndSet(KEY, "first line\nsecond: ünïcødé ✓", "two")).isTrue();
		assertThat(this.provider.get(KEY)).isEqualTo("two");
	}

	@Test
	void clearIfEqualsRemovesValueThatMatches() {
		this.provider.set(KEY, "one");
		assertThat(this.provider.clearIfEquals(KEY, "one")).isTrue();
		assertThat(this.provider.get(KEY)).isNull();
		assertThat(this.provider.compareAndSet(KEY, null, "two")).isTrue();
	}

	@Test
	void clearIfEqualsKeepsValueThatDiffers() {
		this.provider.set(KEY, "one");
		assertThat(this.provider.clearIfEquals(KEY, "two")).isFalse();
		assertThat(this.provider.get(KEY)).isEqualTo("one");
	}

	@Test
	void clearIfEqualsWhenKeyIsMissingReturnsFalse() {
		assertThat(this.provider.clearIfEquals(KEY, "one")).isFalse();
	}

	@Test
	void compareAndSetWithNullExpectedStoresValueOnceTimeToLiveHasPassed() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "old", Duration.ofSeconds(10));
		assertThat(this.provider.compareAndSet(TTL_KEY, null, "new")).isFalse();
		advanceClockOrSkip(Duration.ofSeconds(10));
		assertThat(this.provider.compareAndSet(TTL_KEY, "old", "new")).isFalse();
		assertThat(this.provider.clearIfEquals(TTL_KEY, "old")).isFalse();
		assertThat(this.provider.compareAndSet(TTL_KEY, null, "new")).isTrue();
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("new");
	}

	@Test
	void compareAndSetWithTimeToLiveStoresValueThatExpires() {
		assumeExpiry();
		assertThat(this.provider.compareAndSet(TTL_KEY, null, "one", Duration.ofSeconds(10))).isTrue();
		assertThat(this.provider.compareAndSet(TTL_KEY, "one", "two", Duration.ofSeconds(10))).isTrue();
		advanceClockOrSkip(Duration.ofSeconds(9));
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("two");
		advanceClock(Duration.ofSeconds(1));
		assertThat(this.provider.get(TTL_KEY)).isNull();
	}

	@Test
	void compareAndSetWithoutTimeToLiveReplacesExpiringValue() {
		assumeExpiry();
		this.provider.set(TTL_KEY, "old", Duration.ofSeconds(10));
		assertThat(this.provider.compareAndSet(TTL_KEY, "old", "new")).isTrue();
		advanceClockOrSkip(Duration.ofDays(1));
		assertThat(this.provider.get(TTL_KEY)).isEqualTo("new");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, -1 })
	void compareAndSetWithNonPositiveTimeToLiveFails(long seconds) {
		assumeExpiry();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.provider.compareAndSet(TTL_KEY, null, "value", Duration.ofSeconds(seconds)))
			.withMessageContaining("timeToLive");
		assertThat(this.provider.get(TTL_KEY)).isNull();
	}

	@Test
	void compareAndSetFromConcurrentThreadsHasExactlyOneWinnerPerRound() throws Exception {
		assumeTrue(atomicCompareAndSet(), "compare-and-set is not atomic");
		int threads = 8;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			String current = null;
			for (int round = 0; round < 30; round++) {
				// Every third round races to remove the value that the previous round stored
				boolean clearing = round % 3 == 2;
				String expected = current;
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Boolean>> futures = new ArrayList<>();
				for (int thread = 0; thread < threads; thread++) {
					String value = "round-" + round + "-thread-" + thread;
					futures.add(executor.submit(() -> {
						start.await();
						return clearing ? this.provider.clearIfEquals(KEY, expected)
								: this.provider.compareAndSet(KEY, expected, value);
					}));
				}
				start.countDown();
				List<String> winners = new ArrayList<>();
				for (int thread = 0; thread < threads; thread++) {
					if (futures.get(thread).get(30, TimeUnit.SECONDS)) {
						winners.add("round-" + round + "-thread-" + thread);
					}
				}
				assertThat(winners).as("winners of round %d", round).hasSize(1);
				current = this.provider.get(KEY);
				assertThat(current).isEqualTo(clearing ? null : winners.get(0));
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void membersOfCorruptSetFailsWithContentExceptionNamingKey() {
		assumeTrue(corruptSet(SET_KEY), "the store holds nothing but sets at a set key");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> this.provider.members(SET_KEY))
			.withMessageStartingWith("Cluster cache key '" + SET_KEY + "' holds ")
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(SET_KEY));
	}

	@Test
	void addMemberToCorruptSetFailsWithContentException() {
		assumeTrue(corruptSet(SET_KEY), "the store holds nothing but sets at a set key");
		assertThatExceptionOfType(CacheContentException.class)
			.isThrownBy(() -> this.provider.addMember(SET_KEY, "node-1"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(SET_KEY));
	}

	@Test
	void removeMemberFromCorruptSetFailsWithContentException() {
		assumeTrue(corruptSet(SET_KEY), "the store holds nothing but sets at a set key");
		assertThatExceptionOfType(CacheContentException.class)
			.isThrownBy(() -> this.provider.removeMember(SET_KEY, "node-1"))
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(SET_KEY));
	}

	@Test
	void clearRepairsCorruptSet() {
		assumeTrue(corruptSet(SET_KEY), "the store holds nothing but sets at a set key");
		this.provider.clear(SET_KEY);
		assertThat(this.provider.members(SET_KEY)).isEmpty();
		this.provider.addMember(SET_KEY, "node-1");
		assertThat(this.provider.members(SET_KEY)).containsExactly("node-1");
	}

	@Test
	void getOfCorruptValueFailsWithContentExceptionNamingKey() {
		assumeTrue(corruptValue(KEY), "the store holds nothing but values at a value key");
		assertThatExceptionOfType(CacheContentException.class).isThrownBy(() -> this.provider.get(KEY))
			.withMessageStartingWith("Cluster cache key '" + KEY + "' holds ")
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(KEY));
	}

	@Test
	void clearRepairsCorruptValue() {
		assumeTrue(corruptValue(KEY), "the store holds nothing but values at a value key");
		this.provider.clear(KEY);
		assertThat(this.provider.get(KEY)).isNull();
		this.provider.set(KEY, "one");
		assertThat(this.provider.get(KEY)).isEqualTo("one");
	}

	@Test
	void addMemberFromConcurrentThreadsKeepsAllMembers() throws Exception {
		assumeTrue(atomicSets(), "set operations are not atomic");
		int threads = 10;
		int membersPerThread = 20;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int thread = 0; thread < threads; thread++) {
				int t = thread;
				futures.add(executor.submit(() -> {
					start.await();
					for (int i = 0; i < membersPerThread; i++) {
						this.provider.addMember(SET_KEY, "node-" + t + "-" + i);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		Set<String> expected = IntStream.range(0, threads)
			.boxed()
			.flatMap((t) -> IntStream.range(0, membersPerThread).mapToObj((i) -> "node-" + t + "-" + i))
			.collect(Collectors.toSet());
		assertThat(this.provider.members(SET_KEY)).containsExactlyInAnyOrderElementsOf(expected);
	}

}

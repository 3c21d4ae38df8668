package io.socketbox.spring.internal.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.cache.CacheProvider;

import org.springframework.util.Assert;

/**
 * The lease that makes one node the manager, kept in a cache that can compare-and-set
 * atomically. It runs on no timer of its own: the node calls {@link #tick()} on every
 * refresh, well within the lease duration, and {@link #release()} when it stops.
 * <p>
 * The lease is one key, {@code <prefix>socketbox:manager}, that only compare-and-set
 * writes. Its value says what it is ({@code held}, {@code claimed} or {@code free}), the
 * fencing token, a counter that every write raises, and the holder:
 * <ul>
 * <li>A {@code free} lease, left by a manager that released it, is taken at once.</li>
 * <li>A {@code held} or {@code claimed} lease (or a value that does not parse) is taken
 * once it has stayed the same for a whole lease duration on this node's clock. The holder
 * renews it on every tick, each renewal a compare-and-set from the exact previous value,
 * and counts itself manager for one lease duration from the moment before it wrote; an
 * observer starts counting only after it read the value. So the holder has stopped
 * before anyone takes over, with no comparison of clocks between nodes: only their rates
 * must agree.</li>
 * <li>A missing key (first start, or a cache that was flushed or evicted the key) is only
 * {@code claimed}: the claimer becomes manager a lease duration later, since a manager
 * whose lease was flushed away may still count itself manager until then. A manager
 * whose lease is still running writes its lease back instead, and carries on. A claim
 * counts on from every counter its node wrote before, so that no node writes the same
 * value twice: an observer that read an earlier, equal value would count the new claim
 * as unchanged since then and take it over at once.</li>
 * </ul>
 * A node whose renewal fails, or that finds another node's value, steps down at once;
 * {@link #isManager()} also turns {@code false} by itself when the lease runs out between
 * ticks, so a node that was paused (a long GC, {@code SIGSTOP}) never counts itself
 * manager after its lease has run out, even before its next tick.
 * <p>
 * Fencing tokens come from a second key, {@code <prefix>socketbox:manager:token}, raised
 * by compare-and-set whenever a node becomes manager: the next token is the largest of
 * the stored one, the lease's and the highest this node has seen, plus one, and at least
 * the clock's milliseconds times 1000. While either key survives, every manager's token
 * is larger than every earlier manager's. When both are lost, the clock floor still
 * makes it larger provided the clocks of the nodes differ by less than the lease duration
 * and fewer than 1000 tokens are issued in a millisecond: a node that claims a missing
 * key issues its token only when it becomes manager, a lease duration later.
 * <p>
 * Thread-safe. The listener is called with the new {@link ManagerState} whenever it
 * changes, on the thread that ticks or releases, while the lease is locked: it must not
 * block.
 */
public final class ManagerLease {

	private static final Log logger = LogFactory.getLog(ManagerLease.class);

	private static final int MAX_TOKEN_ATTEMPTS = 5;

	private static final long TOKENS_PER_MILLISECOND = 1000;

	private final CacheProvider cache;

	private final String nodeId;

	private final Duration leaseDuration;

	private final Clock clock;

	private final Consumer<ManagerState> listener;

	private final String leaseKey;

	private final String tokenKey;

	/**
	 * The value of the lease key as last read or written, and when it was first seen.
	 */
	private @Nullable String observedValue;

	private Instant observedAt = Instant.MIN;

	/**
	 * This node's claim or lease as last written, {@code null} when it has none.
	 */
	private @Nullable Lease mine;

	private @Nullable Instant claimedAt;

	/**
	 * The highest counter this node has written: its next claim counts on from it, so
	 * that this node never writes a value it wrote before.
	 */
	private long highestCounter;

	/**
	 * The highest token this node has issued or read, managers' or not: the floor for
	 * the next one it issues.
	 */
	private long highestToken;

	/**
	 * The highest token of a manager this node has seen, for {@link ManagerState}.
	 */
	private long highestManagerToken;

	private volatile @Nullable Term term;

	private ManagerState state = ManagerState.NONE;

	/**
	 * Create a lease.
	 * @param cache the cache, whose compare-and-set must be atomic
	 * @param keyPrefix the prefix of the keys
	 * @param nodeId the id of this node, unique to this run of it
	 * @param leaseDuration how long a lease lasts without renewal
	 * @param clock the clock to time the lease with; it must not jump (it also gives
	 * fencing tokens their floor, so it should read close to the time of day)
	 * @param listener called with the state whenever it changes
	 */
	public ManagerLease(CacheProvider cache, String keyPrefix, String nodeId, Duration leaseDuration, Clock clock,
			Consumer<ManagerState> listener) {
		Assert.notNull(cache, "'cache' must not be null");
		Assert.isTrue(cache.isCompareAndSetAtomic(), () -> "The cache (" + cache.getClass().getName()
				+ ") cannot compare-and-set atomically: elect the manager with LowestIdManager instead");
		Assert.notNull(keyPrefix, "'keyPrefix' must not be null");
		Assert.hasText(nodeId, "'nodeId' must not be empty");
		Assert.isTrue(leaseDuration.compareTo(Duration.ZERO) > 0, "'leaseDuration' must be positive");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		this.cache = cache;
		this.nodeId = nodeId;
		this.leaseDuration = leaseDuration;
		this.clock = clock;
		this.listener = listener;
		this.leaseKey = keyPrefix + "socketbox:manager";
		this.tokenKey = keyPrefix + "socketbox:manager:token";
	}

	/**
	 * Take, renew or give up the lease, as the cache says. Exceptions of the cache are
	 * thrown after the state has been brought up to date with what is known; a lease
	 * that cannot be renewed runs out on its own.
	 * @return the state after the tick
	 */
	public synchronized ManagerState tick() {
		try {
			doTick();
		}
		finally {
			// Also when the cache failed: a lease that ran out meanwhile is reported
			report();
		}
		return this.state;
	}

	private void doTick() {
		Instant start = this.clock.instant();
		String value = this.cache.get(this.leaseKey);
		Instant read = this.clock.instant();
		boolean changed = !Objects.equals(value, this.observedValue);
		observe(value, read);
		Lease lease = (value != null) ? Lease.parse(value) : null;
		if (lease != null) {
			this.highestToken = Math.max(this.highestToken, lease.token());
			if (lease.kind() == Kind.HELD) {
				this.highestManagerToken = Math.max(this.highestManagerToken, lease.token());
			}
		}
		else if (value != null && changed) {
			logger.warn("The manager lease holds '" + value + "', which is not a lease: it is taken over once it has "
					+ "not changed for " + this.leaseDuration);
		}
		if (value == null) {
			recreateOrClaim(start, read);
		}
		else if (lease != null && isMine(value, lease)) {
			renew(value, lease, start);
		}
		else {
			stepDown();
			if ((lease != null && lease.kind() == Kind.FREE) || !start.isBefore(this.observedAt.plus(this.leaseDuration))) {
				take(value, (lease != null) ? lease.token() : 0, start);
			}
		}
	}

	/**
	 * Give the lease up, so that the next node to tick takes it at once: this node stops
	 * counting itself manager first, then leaves the lease {@code free}. A claim that has
	 * not made this node manager yet is removed instead, so that whoever claims next
	 * waits too. Does nothing when this node holds neither.
	 * @return the state after the release
	 */
	public synchronized ManagerState release() {
		Lease lease = this.mine;
		stepDown();
		try {
			if (lease != null && lease.kind() == Kind.HELD) {
				Lease free = new Lease(Kind.FREE, lease.token(), lease.counter() + 1, "");
				if (this.cache.compareAndSet(this.leaseKey, lease.format(), free.format())) {
					observe(free.format(), this.clock.instant());
				}
			}
			else if (lease != null) {
				this.cache.clearIfEquals(this.leaseKey, lease.format());
			}
		}
		finally {
			report();
		}
		return this.state;
	}

	/**
	 * Return whether this node is the manager now. Turns {@code false} when the lease
	 * runs out, without waiting for a tick.
	 * @return whether this node is the manager
	 */
	public boolean isManager() {
		Term term = this.term;
		return term != null && this.clock.instant().isBefore(term.until());
	}

	/**
	 * Return the state as last reported.
	 * @return the state
	 */
	public synchronized ManagerState getState() {
		return this.state;
	}

	private void recreateOrClaim(Instant start, Instant read) {
		Term term = this.term;
		Lease lease = this.mine;
		if (lease != null && lease.kind() == Kind.HELD && term != null && read.isBefore(term.until())) {
			// Nobody else can have become manager while this lease runs: put it back
			logger.info("The manager lease of this node (" + this.nodeId + ") was gone from the cache; writing it back");
			write(null, lease.next(), start);
			return;
		}
		stepDown();
		// A claim equal to one this node wrote earlier would look, to a node that read the
		// earlier one, as if it had stood unchanged ever since, and be taken over at once
		Lease claim = new Lease(Kind.CLAIMED, this.highestToken, this.highestCounter + 1, this.nodeId);
		if (write(null, claim, start)) {
			this.claimedAt = this.clock.instant();
		}
	}

	private void renew(String value, Lease lease, Instant start) {
		Instant claimedAt = this.claimedAt;
		if (lease.kind() == Kind.HELD) {
			write(value, lease.next(), start);
		}
		else if (claimedAt != null && !start.isBefore(claimedAt.plus(this.leaseDuration))) {
			long token = issueToken(lease.token());
			if (token > 0) {
				write(value, new Lease(Kind.HELD, token, lease.counter() + 1, this.nodeId), start);
			}
		}
		else {
			write(value, lease.next(), start);
		}
	}

	private void take(String value, long leaseToken, Instant start) {
		long token = issueToken(leaseToken);
		if (token > 0) {
			write(value, new Lease(Kind.HELD, token, 0, this.nodeId), start);
		}
	}

	/**
	 * Write the lease from the expected value; on success this node holds it, and if it
	 * is {@code held}, is manager for one lease duration from the given start.
	 */
	private boolean write(@Nullable String expected, Lease lease, Instant start) {
		String value = lease.format();
		if (!this.cache.compareAndSet(this.leaseKey, expected, value)) {
			stepDown();
			return false;
		}
		Lease previous = this.mine;
		this.mine = lease;
		this.highestCounter = Math.max(this.highestCounter, lease.counter());
		observe(value, this.clock.instant());
		if (lease.kind() == Kind.HELD) {
			this.term = new Term(lease.token(), start.plus(this.leaseDuration));
			this.highestManagerToken = Math.max(this.highestManagerToken, lease.token());
			if (previous == null || previous.kind() != Kind.HELD) {
				logger.info("This node (" + this.nodeId + ") is manager with fencing token " + lease.token());
			}
		}
		return true;
	}

	private void stepDown() {
		this.mine = null;
		this.claimedAt = null;
		this.term = null;
	}

	private boolean isMine(String value, Lease lease) {
		Lease mine = this.mine;
		if (mine == null) {
			return false;
		}
		// Also a renewal of ours whose reply was lost: only this node writes its id
		return value.equals(mine.format()) || (lease.holder().equals(this.nodeId) && lease.kind() == mine.kind()
				&& lease.token() == mine.token() && lease.counter() > mine.counter());
	}

	private void observe(@Nullable String value, Instant at) {
		if (!Objects.equals(value, this.observedValue)) {
			this.observedValue = value;
			this.observedAt = at;
		}
	}

	/**
	 * Raise the token key above every token known here and the clock's floor.
	 * @return the token, or {@code 0} when other nodes kept raising it first
	 */
	private long issueToken(long leaseToken) {
		for (int attempt = 0; attempt < MAX_TOKEN_ATTEMPTS; attempt++) {
			String stored = this.cache.get(this.tokenKey);
			long known = Math.max(parseToken(stored), Math.max(leaseToken, this.highestToken));
			long token = Math.max(known + 1, Math.multiplyExact(this.clock.millis(), TOKENS_PER_MILLISECOND));
			if (this.cache.compareAndSet(this.tokenKey, stored, Long.toString(token))) {
				this.highestToken = token;
				return token;
			}
		}
		return 0;
	}

	private static long parseToken(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			// Replaced by the next token: the lease's token and the clock keep it growing
			return 0;
		}
	}

	private ManagerState report() {
		ManagerState state = currentState();
		if (!state.equals(this.state)) {
			this.state = state;
			this.listener.accept(state);
		}
		return state;
	}

	private ManagerState currentState() {
		Term term = this.term;
		if (term != null && this.clock.instant().isBefore(term.until())) {
			return new ManagerState(this.nodeId, term.token(), true);
		}
		Lease lease = (this.observedValue != null) ? Lease.parse(this.observedValue) : null;
		if (lease != null && lease.kind() == Kind.HELD && !lease.holder().equals(this.nodeId)) {
			return new ManagerState(lease.holder(), lease.token(), false);
		}
		return new ManagerState(null, this.highestManagerToken, false);
	}

	private enum Kind {

		HELD, CLAIMED, FREE

	}

	/**
	 * The value of the lease key: {@code <kind>:<token>:<counter>:<holder>}.
	 */
	private record Lease(Kind kind, long token, long counter, String holder) {

		Lease next() {
			return new Lease(this.kind, this.token, this.counter + 1, this.holder);
		}

		String format() {
			return this.kind.name().toLowerCase(Locale.ROOT) + ":" + this.token + ":" + this.counter + ":"
					+ this.holder;
		}

		static @Nullable Lease parse(String value) {
			String[] parts = value.split(":", 4);
			if (parts.length != 4) {
				return null;
			}
			try {
				Kind kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT));
				Lease lease = new Lease(kind, Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
				return (lease.holder().isEmpty() == (kind == Kind.FREE)) ? lease : null;
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}

	}

	/**
	 * Until when this node is manager, with which token.
	 */
	private record Term(long token, Instant until) {

	}

}

package io.socketbox.spring.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} for tests that stands still until it is moved on.
 */
public final class MutableClock extends Clock {

	private volatile Instant instant;

	/**
	 * Create a clock that starts at the given instant.
	 * @param instant the initial instant
	 */
	public MutableClock(Instant instant) {
		this.instant = instant;
	}

	/**
	 * Move the clock on.
	 * @param duration how far to move
	 */
	public void advance(Duration duration) {
		this.instant = this.instant.plus(duration);
	}

	@Override
	public Instant instant() {
		return this.instant;
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("MutableClock is always in UTC");
	}

}

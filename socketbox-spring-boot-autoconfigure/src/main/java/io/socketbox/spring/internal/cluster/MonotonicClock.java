package io.socketbox.spring.internal.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A clock that reads the time of day once, when it is created, and then moves on with
 * {@link System#nanoTime()}: a step of the wall clock (NTP, an operator, a virtual
 * machine that resumes) neither stretches nor cuts short a lease timed with it, and its
 * readings stay close enough to the time of day to give fencing tokens their floor.
 */
final class MonotonicClock extends Clock {

	private final Instant origin;

	private final long originNanos;

	private final LongSupplier nanoTime;

	MonotonicClock() {
		this(Clock.systemUTC(), System::nanoTime);
	}

	MonotonicClock(Clock wallClock, LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		this.originNanos = nanoTime.getAsLong();
		this.origin = wallClock.instant();
	}

	@Override
	public Instant instant() {
		return this.origin.plus(Duration.ofNanos(this.nanoTime.getAsLong() - this.originNanos));
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("MonotonicClock is always in UTC");
	}

}

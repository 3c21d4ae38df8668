package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonotonicClock}: it starts at the time of day and moves only with the
 * monotonic nanosecond counter.
 */
class MonotonicClockTests {

	private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

	private final MutableClock wallClock = new MutableClock(START);

	private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);

	private final MonotonicClock clock = new MonotonicClock(this.wallClock, this.nanos::get);

	@Test
	void startsAtTheTimeOfDayAndMovesWithTheNanosecondCounter() {
		assertThat(this.clock.instant()).isEqualTo(START);
		this.nanos.addAndGet(Duration.ofMillis(1500).toNanos());
		assertThat(this.clock.instant()).isEqualTo(START.plusMillis(1500));
		assertThat(this.clock.millis()).isEqualTo(START.toEpochMilli() + 1500);
	}

	@Test
	void aJumpOfTheWallClockDoesNotMoveIt() {
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		this.wallClock.advance(Duration.ofHours(1));
		assertThat(this.clock.instant()).isEqualTo(START.plusSeconds(1));
		this.wallClock.advance(Duration.ofHours(-2));
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(this.clock.instant()).isEqualTo(START.plusSeconds(2));
	}

	@Test
	void theSystemClockIsCloseToTheTimeOfDay() {
		MonotonicClock system = new MonotonicClock();
		assertThat(Duration.between(Instant.now(), system.instant()).abs()).isLessThan(Duration.ofSeconds(1));
	}

}

package io.socketbox.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PacedSender}: the schedule on a clock the test moves, never the
 * machine's timing.
 */
class PacedSenderTests {

	@Test
	void messageKIsDueKOverRateAfterTheStart() {
		assertThat(PacedSender.dueAt(1_000, 0, 200)).isEqualTo(1_000);
		assertThat(PacedSender.dueAt(1_000, 1, 200)).isEqualTo(1_000 + 5_000_000);
		assertThat(PacedSender.dueAt(1_000, 200, 200)).isEqualTo(1_000 + 1_000_000_000);
		assertThat(PacedSender.dueAt(0, 3, 10_000)).isEqualTo(300_000);
		// Not rounded per message: 3 messages at 3/s take exactly one second
		assertThat(PacedSender.dueAt(0, 3, 3)).isEqualTo(1_000_000_000);
	}

	@Test
	void fixedRateSendsEachMessageAtItsDueTimeEvenWhenParkReturnsEarly() {
		// Every park moves the clock on by at most 1 ms: the loop must park again until due
		FakeClock clock = new FakeClock(5_000, 1_000_000);
		List<long[]> sends = new ArrayList<>();
		PacedSender[] sender = new PacedSender[1];
		sender[0] = new PacedSender(100, null, Duration.ZERO, (k, sendAt) -> {
			sends.add(new long[] { k, sendAt, clock.now });
			if (k == 4) {
				sender[0].stopAfter();
			}
		}, clock);
		sender[0].run();
		assertThat(sends).hasSize(5);
		for (int k = 0; k < 5; k++) {
			long due = 5_000 + k * 10_000_000L;
			assertThat(sends.get(k)[0]).isEqualTo(k);
			assertThat(sends.get(k)[1]).isEqualTo(due);
			assertThat(sends.get(k)[2]).as("clock when message %d went", k).isGreaterThanOrEqualTo(due);
		}
		assertThat(sender[0].sent()).isEqualTo(5);
	}

	@Test
	void fixedRateDoesNotWaitForMessagesAlreadyLate() {
		FakeClock clock = new FakeClock(0, Long.MAX_VALUE);
		List<Long> parked = clock.parks;
		PacedSender[] sender = new PacedSender[1];
		sender[0] = new PacedSender(1_000, null, Duration.ZERO, (k, sendAt) -> {
			if (k == 0) {
				// The first send took 5.5 ms: messages 1 to 5 are late, 6 is not
				clock.now += 5_500_000;
				parked.clear();
			}
			if (k == 6) {
				sender[0].stopAfter();
			}
		}, clock);
		sender[0].run();
		assertThat(sender[0].sent()).isEqualTo(7);
		// Only message 6 (due at 6 ms, clock at 5.5 ms) was waited for, in one park of 0.5 ms
		assertThat(parked).containsExactly(500_000L);
	}

	@Test
	void saturatingSenderTakesOnePermitPerMessageAndCountsStalls() {
		FakeClock clock = new FakeClock(0, 0);
		Semaphore window = new Semaphore(3);
		PacedSender[] sender = new PacedSender[1];
		sender[0] = new PacedSender(0, window, Duration.ZERO, (k, sendAt) -> {
			if (k == 4) {
				sender[0].stopAfter();
			}
		}, clock);
		sender[0].run();
		assertThat(sender[0].sent()).isEqualTo(5);
		assertThat(window.availablePermits()).isZero();
		// Three permits for five messages: two went without one
		assertThat(sender[0].stalls()).isEqualTo(2);
		assertThat(clock.parks).isEmpty();
	}

	@Test
	void saturatingSenderNeedsAWindow() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PacedSender(0, null, Duration.ZERO, (k, sendAt) -> {
			}));
	}

	/**
	 * A clock that moves only when parked, by at most {@code maxStep} per park.
	 */
	private static final class FakeClock implements PacedSender.Clock {

		private final long maxStep;

		final List<Long> parks = new ArrayList<>();

		long now;

		FakeClock(long now, long maxStep) {
			this.now = now;
			this.maxStep = maxStep;
		}

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public void parkNanos(long nanos) {
			this.parks.add(nanos);
			this.now += Math.min(nanos, this.maxStep);
		}

	}

}

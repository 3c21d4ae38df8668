package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplyTimeouts}.
 */
class ReplyTimeoutsTests {

	private final ReplyTimeouts timeouts = new ReplyTimeouts(Duration.ofSeconds(5), Runnable::run);

	@Test
	void completesWithTheTimeoutValueOnlyOnceTheDeadlineHasPassed() {
		CompletableFuture<Integer> future = new CompletableFuture<>();
		long start = System.nanoTime();
		this.timeouts.add(future, -2);
		this.timeouts.sweep(start);
		assertThat(future).isNotDone();
		this.timeouts.sweep(start + Duration.ofSeconds(6).toNanos());
		assertThat(future).isCompletedWithValue(-2);
		assertThat(this.timeouts.size()).isZero();
	}

	@Test
	void leavesRepliedRequestsAloneAndForgetsThem() {
		CompletableFuture<Integer> replied = new CompletableFuture<>();
		CompletableFuture<Integer> waiting = new CompletableFuture<>();
		long start = System.nanoTime();
		this.timeouts.add(replied, -2);
		this.timeouts.add(waiting, -2);
		replied.complete(1);
		this.timeouts.sweep(start);
		assertThat(this.timeouts.size()).isOne();
		this.timeouts.sweep(start + Duration.ofSeconds(6).toNanos());
		assertThat(replied).isCompletedWithValue(1);
		assertThat(waiting).isCompletedWithValue(-2);
		assertThat(this.timeouts.size()).isZero();
	}

	@Test
	void sweepPeriodIsASmallFractionOfTheTimeout() {
		assertThat(ReplyTimeouts.sweepPeriod(Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(100));
		assertThat(ReplyTimeouts.sweepPeriod(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(25));
		assertThat(ReplyTimeouts.sweepPeriod(Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(10));
	}

}

package io.socketbox.sample;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broadcasts "1", "2", "3", ... from one node through {@code POST /api/broadcast}, one
 * at a time and at a fixed rate, so that the node broadcasts them in that order. A
 * number counts as sent once the node has accepted it.
 */
final class NumberedStream implements AutoCloseable {

	private final SampleNodeProcess node;

	private final ScheduledExecutorService sender;

	private final AtomicInteger lastSent = new AtomicInteger();

	private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

	private NumberedStream(SampleNodeProcess node, Duration period) {
		this.node = node;
		this.sender = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "numbered-stream-" + node);
			thread.setDaemon(true);
			return thread;
		});
		// A fixed-rate task never overlaps itself: one request at a time, in order
		this.sender.scheduleAtFixedRate(this::sendNext, 0, period.toMillis(), TimeUnit.MILLISECONDS);
	}

	static NumberedStream start(SampleNodeProcess node, Duration period) {
		return new NumberedStream(node, period);
	}

	private void sendNext() {
		int next = this.lastSent.get() + 1;
		try {
			int status = this.node.broadcast(Integer.toString(next));
			if (status != 202) {
				throw new IllegalStateException("Broadcast of " + next + " answered " + status);
			}
			this.lastSent.set(next);
		}
		catch (RuntimeException ex) {
			this.failure.compareAndSet(null, ex);
			// Throwing cancels the schedule: nothing is sent after a failed number
			throw ex;
		}
	}

	/**
	 * Return the highest number sent so far.
	 */
	int lastSent() {
		assertNoFailure();
		return this.lastSent.get();
	}

	/**
	 * Wait until more numbers than now have been sent.
	 * @return the highest number sent once there are {@code count} more
	 */
	int awaitMore(int count) {
		int target = lastSent() + count;
		await().alias(count + " more numbers broadcast from " + this.node)
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> {
				assertNoFailure();
				return this.lastSent.get() >= target;
			});
		return this.lastSent.get();
	}

	/**
	 * Stop sending.
	 * @return the highest number sent
	 */
	int stop() throws InterruptedException {
		this.sender.shutdown();
		assertThat(this.sender.awaitTermination(10, TimeUnit.SECONDS)).as("stream stopped").isTrue();
		return lastSent();
	}

	private void assertNoFailure() {
		Throwable failed = this.failure.get();
		if (failed != null) {
			throw new AssertionError("The numbered stream from " + this.node + " failed after "
					+ this.lastSent.get(), failed);
		}
	}

	/**
	 * Return the numbers from {@code first} to {@code last}, both included.
	 */
	static List<Integer> range(int first, int last) {
		return IntStream.rangeClosed(first, last).boxed().toList();
	}

	@Override
	public void close() {
		this.sender.shutdownNow();
	}

}

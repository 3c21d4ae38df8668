package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Times out requests that wait for a reply from a peer, with one periodic sweep instead
 * of a timer per request. Every request waits for the same timeout, so the order in
 * which requests are added is the order of their deadlines and a FIFO queue is enough:
 * a sweep looks only at its head. A request may time out up to one sweep period late.
 */
final class ReplyTimeouts {

	private final long timeoutNanos;

	private final Executor completer;

	private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

	/**
	 * Create timeouts.
	 * @param timeout how long a request waits for its reply
	 * @param completer runs the completion of timed-out requests, so that what callers
	 * chained to them does not run on the sweeping thread
	 */
	ReplyTimeouts(Duration timeout, Executor completer) {
		this.timeoutNanos = timeout.toNanos();
		this.completer = completer;
	}

	/**
	 * Return how often to sweep: often enough for the timeout to be late by a small
	 * fraction of it.
	 */
	static Duration sweepPeriod(Duration timeout) {
		long millis = Math.max(10, Math.min(100, timeout.toMillis() / 20));
		return Duration.ofMillis(millis);
	}

	/**
	 * Complete the given future with the given value unless it completes otherwise within
	 * the timeout.
	 */
	void add(CompletableFuture<Integer> future, int valueOnTimeout) {
		this.waiting.add(new Waiting(System.nanoTime() + this.timeoutNanos, future, valueOnTimeout));
	}

	/**
	 * Time out the requests whose deadline has passed; forget those already completed.
	 * @param now the current {@link System#nanoTime()}
	 */
	void sweep(long now) {
		List<Waiting> expired = null;
		Waiting head;
		while ((head = this.waiting.peek()) != null) {
			boolean done = head.future().isDone();
			if (!done && head.deadline() - now > 0) {
				break;
			}
			this.waiting.poll();
			if (!done) {
				if (expired == null) {
					expired = new ArrayList<>();
				}
				expired.add(head);
			}
		}
		if (expired != null) {
			List<Waiting> toComplete = expired;
			this.completer.execute(() -> toComplete.forEach((w) -> w.future().complete(w.valueOnTimeout())));
		}
	}

	int size() {
		return this.waiting.size();
	}

	private record Waiting(long deadline, CompletableFuture<Integer> future, int valueOnTimeout) {

	}

}

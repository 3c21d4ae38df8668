package io.socketbox.benchmarks;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending loop of the load scenarios, on its own thread: message {@code k} goes at
 * {@code start + k / rate} (a fixed schedule, so that a late send does not push the
 * later ones back and hide the delay from the latency figures), or, when the rate is
 * 0, as fast as a window of permits lets it (released as receivers get the messages,
 * so that the sender stays at most the window's size ahead of them).
 */
final class PacedSender {

	private final double rate;

	private final Semaphore window;

	private final Duration windowWait;

	private final Send send;

	private final Clock clock;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong stalls = new AtomicLong();

	private Thread thread;

	PacedSender(double rate, Semaphore window, Duration windowWait, Send send) {
		this(rate, window, windowWait, send, Clock.SYSTEM);
	}

	PacedSender(double rate, Semaphore window, Duration windowWait, Send send, Clock clock) {
		if (rate <= 0 && window == null) {
			throw new IllegalArgumentException("A saturating sender (rate 0) needs a window");
		}
		this.rate = rate;
		this.window = window;
		this.windowWait = windowWait;
		this.send = send;
		this.clock = clock;
	}

	/**
	 * Return a sender at a fixed rate, in messages per second.
	 */
	static PacedSender atRate(double rate, Send send) {
		return new PacedSender(rate, null, Duration.ZERO, send);
	}

	/**
	 * Return the {@link System#nanoTime()} at which message {@code k} is due when the
	 * first went at {@code start}.
	 */
	static long dueAt(long start, long k, double rate) {
		return start + (long) (k * 1e9 / rate);
	}

	/**
	 * Start sending on a new thread of the given name.
	 */
	PacedSender start(String name) {
		this.thread = new Thread(this::run, name);
		this.thread.start();
		return this;
	}

	/**
	 * Stop after the send under way and wait for the thread to end.
	 */
	void stop() throws InterruptedException {
		this.running.set(false);
		if (this.thread != null) {
			this.thread.join();
		}
	}

	/**
	 * Return how many messages were sent.
	 */
	long sent() {
		return this.sent.get();
	}

	/**
	 * Return how often the window gave no permit within its wait and the sender went on
	 * without one (a receiver missed a message, or was cut off).
	 */
	long stalls() {
		return this.stalls.get();
	}

	/**
	 * The loop: runs until {@link #stop()} or {@link #stopAfter()}, or an interrupt while it waits for the window.
	 */
	void run() {
		long start = this.clock.nanoTime();
		for (long k = 0; this.running.get(); k++) {
			long sendAt;
			if (this.rate > 0) {
				sendAt = dueAt(start, k, this.rate);
				parkUntil(sendAt);
			}
			else {
				try {
					if (!this.window.tryAcquire(this.windowWait.toNanos(), TimeUnit.NANOSECONDS)) {
						// A receiver missed a message: go on rather than wait forever
						this.stalls.incrementAndGet();
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				sendAt = this.clock.nanoTime();
			}
			this.send.send(k, sendAt);
			this.sent.incrementAndGet();
		}
	}

	/**
	 * Make {@link #run()} return after the current message: for a caller that runs the
	 * loop on its own thread.
	 */
	void stopAfter() {
		this.running.set(false);
	}

	private void parkUntil(long nanoTime) {
		for (long wait = nanoTime - this.clock.nanoTime(); wait > 0; wait = nanoTime - this.clock.nanoTime()) {
			this.clock.parkNanos(wait);
		}
	}

	/**
	 * Sends message {@code k}, due at {@code sendAt} (a {@link System#nanoTime()}).
	 */
	@FunctionalInterface
	interface Send {

		void send(long k, long sendAt);

	}

	/**
	 * The time source and the wait: the system's, or a test's.
	 */
	interface Clock {

		Clock SYSTEM = new Clock() {

			@Override
			public long nanoTime() {
				return System.nanoTime();
			}

			@Override
			public void parkNanos(long nanos) {
				LockSupport.parkNanos(nanos);
			}

		};

		long nanoTime();

		/**
		 * Wait at most the given time; may return early.
		 */
		void parkNanos(long nanos);

	}

}

package io.socketbox.benchmarks;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The window of a saturating sender, released by the slowest receiver: every few hundred
 * microseconds it releases one permit for each message that every receiver has got
 * since the last look, so that the sender stays at most the window's size ahead of each
 * of them. A system is then measured on what all its receivers take, not on how far it
 * lets the others fall behind one fast receiver (a server with a per-connection buffer
 * limit cuts them; one without queues for them without bound).
 */
final class SlowestReceiverWindow implements AutoCloseable {

	private static final long INTERVAL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private final List<LongSupplier> received;

	private final Semaphore window;

	private final long[] baseline;

	private long released;

	private volatile boolean running = true;

	private final Thread thread;

	/**
	 * Watch the receivers' counts from now on.
	 * @param received each receiver's count of messages received so far
	 * @param window the sender's window
	 */
	SlowestReceiverWindow(List<LongSupplier> received, Semaphore window) {
		this.received = List.copyOf(received);
		this.window = window;
		this.baseline = new long[this.received.size()];
		for (int i = 0; i < this.baseline.length; i++) {
			this.baseline[i] = this.received.get(i).getAsLong();
		}
		this.thread = new Thread(this::run, "slowest-receiver-window");
		this.thread.setDaemon(true);
	}

	SlowestReceiverWindow start() {
		this.thread.start();
		return this;
	}

	/**
	 * Release the permits of what every receiver has got since the last call.
	 * @return how many permits were released
	 */
	int releaseReceived() {
		long slowest = Long.MAX_VALUE;
		for (int i = 0; i < this.baseline.length; i++) {
			slowest = Math.min(slowest, this.received.get(i).getAsLong() - this.baseline[i]);
		}
		if (slowest == Long.MAX_VALUE || slowest <= this.released) {
			return 0;
		}
		int permits = (int) Math.min(Integer.MAX_VALUE, slowest - this.released);
		this.released += permits;
		this.window.release(permits);
		return permits;
	}

	private void run() {
		while (this.running) {
			releaseReceived();
			LockSupport.parkNanos(INTERVAL_NANOS);
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		// Returns at once if it was never started
		this.thread.join();
	}

}

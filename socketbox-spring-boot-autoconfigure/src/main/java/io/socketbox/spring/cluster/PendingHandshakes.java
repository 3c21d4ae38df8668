package io.socketbox.spring.cluster;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the accepted peer connections that have not completed the peer handshake, up
 * to a limit, so that connections that never authenticate cannot pile up.
 */
final class PendingHandshakes {

	private final AtomicInteger count = new AtomicInteger();

	private final int limit;

	PendingHandshakes(int limit) {
		this.limit = limit;
	}

	/**
	 * Count one more connection, unless the limit is reached.
	 * @return whether the connection was counted
	 */
	boolean tryAcquire() {
		int current;
		do {
			current = this.count.get();
			if (current >= this.limit) {
				return false;
			}
		}
		while (!this.count.compareAndSet(current, current + 1));
		return true;
	}

	/**
	 * Stop counting a connection that {@link #tryAcquire()} counted.
	 */
	void release() {
		this.count.decrementAndGet();
	}

	int count() {
		return this.count.get();
	}

	int limit() {
		return this.limit;
	}

}

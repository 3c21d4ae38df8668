package io.socketbox.spring.internal.cluster;

import java.util.concurrent.Semaphore;

/**
 * Counts the accepted peer connections that have not completed the peer handshake, up
 * to a limit, so that connections that never authenticate cannot pile up.
 */
final class PendingHandshakes {

	private final Semaphore places;

	private final int limit;

	PendingHandshakes(int limit) {
		this.places = new Semaphore(limit);
		this.limit = limit;
	}

	/**
	 * Count one more connection, unless the limit is reached.
	 * @return whether the connection was counted
	 */
	boolean tryAcquire() {
		return this.places.tryAcquire();
	}

	/**
	 * Stop counting a connection that {@link #tryAcquire()} counted.
	 */
	void release() {
		this.places.release();
	}

	int count() {
		return this.limit - this.places.availablePermits();
	}

	int limit() {
		return this.limit;
	}

}

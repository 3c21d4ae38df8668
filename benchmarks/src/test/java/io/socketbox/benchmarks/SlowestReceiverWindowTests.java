package io.socketbox.benchmarks;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SlowestReceiverWindow}, called by hand rather than on its thread.
 */
class SlowestReceiverWindowTests {

	private final AtomicLong fast = new AtomicLong(7);

	private final AtomicLong slow = new AtomicLong(3);

	private final Semaphore window = new Semaphore(0);

	private final SlowestReceiverWindow released = new SlowestReceiverWindow(
			List.<LongSupplier>of(this.fast::get, this.slow::get), this.window);

	@Test
	void onlyWhatEveryReceiverHasGotSinceTheStartReleasesPermits() {
		assertThat(this.released.releaseReceived()).isZero();
		this.fast.addAndGet(5);
		assertThat(this.released.releaseReceived()).as("the slow one has nothing yet").isZero();
		this.slow.addAndGet(2);
		assertThat(this.released.releaseReceived()).isEqualTo(2);
		this.slow.addAndGet(4);
		assertThat(this.released.releaseReceived()).as("up to the fast one's 5").isEqualTo(3);
		assertThat(this.window.availablePermits()).isEqualTo(5);
	}

	@Test
	void aReceiverThatStopsHoldsTheWindow() {
		this.fast.addAndGet(1_000);
		assertThat(this.released.releaseReceived()).isZero();
		assertThat(this.window.availablePermits()).isZero();
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.cache.CacheProvider;

/**
 * Which node is manager, in one of two modes chosen by the cache. With a cache that can
 * compare-and-set atomically, a {@link ManagerLease} that the membership ticks on every
 * refresh, on the registry thread, and releases first when it stops. Otherwise
 * {@link LowestIdManager} over this node and the members it has links to, on every
 * heartbeat, with no lease and fencing token {@code 0}.
 * <p>
 * Every change is handed to the listener given at construction, in order, on the thread
 * that ticked, after the lease's lock is released: a listener that calls back into the
 * cluster view cannot deadlock with the lease.
 */
final class ManagerElection {

	private static final Log logger = LogFactory.getLog(ManagerElection.class);

	private final String localId;

	private final @Nullable ManagerLease lease;

	private final String mode;

	private final Consumer<ManagerState> listener;

	private final Queue<ManagerState> changes = new ConcurrentLinkedQueue<>();

	private final ReentrantLock publishing = new ReentrantLock();

	private volatile ManagerState state = ManagerState.NONE;

	/**
	 * Whether the node has released since it last started: a heartbeat that was under
	 * way when it stopped must not make it manager again.
	 */
	private boolean released;

	/**
	 * Whether the last tick of the lease failed; on the registry thread only.
	 */
	private boolean leaseFailing;

	/**
	 * Create an election.
	 * @param cache the shared cache
	 * @param keyPrefix the prefix of the lease's keys
	 * @param localId the id of this node
	 * @param leaseDuration how long a lease lasts without renewal
	 * @param clock the clock to time the lease with; it must not jump
	 * @param listener called with every change, never while a lock of the election or
	 * the lease is held
	 */
	ManagerElection(CacheProvider cache, String keyPrefix, String localId, Duration leaseDuration, Clock clock,
			Consumer<ManagerState> listener) {
		this.localId = localId;
		this.listener = listener;
		String cacheName = cache.getClass().getSimpleName().isEmpty() ? cache.getClass().getName()
				: cache.getClass().getSimpleName();
		if (cache.isCompareAndSetAtomic()) {
			this.lease = new ManagerLease(cache, keyPrefix, localId, leaseDuration, clock, this::changed);
			this.mode = "a lease of " + leaseDuration + " in the cache, which can compare-and-set atomically ("
					+ cacheName + ")";
		}
		else {
			this.lease = null;
			this.mode = "the lowest node id among this node and the members it has links to, since the cache ("
					+ cacheName + ") cannot compare-and-set atomically: no lease and no fencing token, and two "
					+ "nodes can both be manager while their views of the cluster differ";
		}
	}

	/**
	 * Return how the manager is chosen, for the log.
	 * @return a description of the mode
	 */
	String mode() {
		return this.mode;
	}

	/**
	 * Take part again after a {@link #release()}; the membership calls it when it starts.
	 */
	synchronized void start() {
		this.released = false;
	}

	/**
	 * Take, renew or give up the lease; does nothing without one. On the registry thread,
	 * every refresh. A failing cache is not thrown but logged once until the lease can be
	 * ticked again: the lease runs out on its own.
	 */
	void refresh() {
		ManagerLease lease = this.lease;
		if (lease == null) {
			return;
		}
		try {
			lease.tick();
			this.leaseFailing = false;
		}
		catch (RuntimeException ex) {
			if (!this.leaseFailing) {
				this.leaseFailing = true;
				// Once per streak, without a stack trace: also a lease key that holds another type
				logger.warn("Could not renew or take the manager lease (" + ex
						+ "); this node is not manager once its lease has run out, retrying every refresh");
			}
		}
		finally {
			publishChanges();
		}
	}

	/**
	 * Choose the node with the lowest id; does nothing with a lease. On the cluster
	 * scheduler, every heartbeat.
	 * @param reachableIds the members this node has links to
	 */
	void heartbeat(Collection<String> reachableIds) {
		if (this.lease != null) {
			return;
		}
		String manager = LowestIdManager.managerAmong(this.localId, reachableIds);
		synchronized (this) {
			if (!this.released) {
				changed(new ManagerState(manager, 0, manager.equals(this.localId)));
			}
		}
		publishChanges();
	}

	/**
	 * Stop being manager: give the lease up so that the next node to refresh takes it, or
	 * forget the manager without one. On the registry thread, first when the node stops.
	 * @throws RuntimeException what the cache threw; this node is no longer manager
	 * anyway
	 */
	void release() {
		try {
			if (this.lease != null) {
				this.lease.release();
			}
			else {
				synchronized (this) {
					this.released = true;
					changed(ManagerState.NONE);
				}
			}
		}
		finally {
			publishChanges();
		}
	}

	/**
	 * Return whether this node is manager now; with a lease, {@code false} as soon as it
	 * has run out.
	 * @return whether this node is manager
	 */
	boolean isManager() {
		ManagerLease lease = this.lease;
		return (lease != null) ? lease.isManager() : this.state.thisNode();
	}

	/**
	 * Return the manager as last seen; never this node once its lease has run out.
	 * @return the manager, or empty when none is known
	 */
	Optional<ClusterManager> manager() {
		ManagerState state = this.state;
		String managerId = state.managerId();
		if (managerId == null || (state.thisNode() && !isManager())) {
			return Optional.empty();
		}
		return Optional.of(new ClusterManager(managerId, state.token()));
	}

	private synchronized void changed(ManagerState state) {
		if (state.equals(this.state)) {
			return;
		}
		if (this.lease == null && state.thisNode() != this.state.thisNode()) {
			logger.info("This node (" + this.localId + ") " + (state.thisNode() ? "is" : "is no longer")
					+ " manager (lowest id among the members it has links to)");
		}
		this.state = state;
		this.changes.add(state);
	}

	/**
	 * Hand queued changes to the listener in order, one thread at a time.
	 */
	private void publishChanges() {
		this.publishing.lock();
		try {
			ManagerState state;
			while ((state = this.changes.poll()) != null) {
				try {
					this.listener.accept(state);
				}
				catch (RuntimeException ex) {
					logger.warn("A listener of the manager change to " + state + " failed", ex);
				}
			}
		}
		finally {
			this.publishing.unlock();
		}
	}

}

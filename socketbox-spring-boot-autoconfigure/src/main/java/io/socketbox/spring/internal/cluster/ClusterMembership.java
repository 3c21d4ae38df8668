package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterManager;
import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterMemberStatistics;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.cache.CacheContentException;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.MemberTable.Registration;

import org.springframework.web.socket.CloseStatus;

/**
 * This node's membership of the cluster: the {@link SocketBoxCluster} view, and the
 * lifecycle that joins and leaves. While running, it refreshes this node's registration
 * in the shared cache and reads the other members' there ({@link MemberRegistry}, on a
 * thread of its own, since cache calls may block for as long as the cache client's
 * timeout), notes their signs of life and expires the silent ones ({@link MemberTable}),
 * tells peers which members it has live links to, and links to the members it dials
 * ({@link Dialer}), on every refresh and every heartbeat. It also keeps the
 * {@link ManagerElection} going: the lease ticks on every refresh, the lowest-id rule on
 * every heartbeat, and a stopping node gives the lease up before anything else.
 * <p>
 * Routing follows the links, not the cache: a member with a live link stays a member
 * while the cache is unreachable or flushed. A cache key that holds something else is
 * repaired or skipped by the {@link MemberRegistry}, and never taken for an outage.
 * <p>
 * Stopping does not block the caller: this node deregisters on the cache's thread, tells
 * its peers that it leaves after everything queued for them, waits up to the drain
 * timeout for them to confirm all of it, then closes the links.
 */
public final class ClusterMembership implements SocketBoxCluster {

	private static final Log logger = LogFactory.getLog(ClusterMembership.class);

	private volatile Runnable beforeLeave = () -> {
	};

	/**
	 * How often a stopping node looks whether its peers have confirmed everything.
	 */
	private static final Duration CONFIRMATION_POLL_INTERVAL = Duration.ofMillis(10);

	private final LocalNode localNode;

	private final MemberRegistry memberRegistry;

	private final MemberTable members;

	private final Dialer dialer;

	private final Peers peers;

	private final ClusterMessaging messaging;

	private final ReplyTimeouts replyTimeouts;

	private final ScheduledExecutorService scheduler;

	private final ScheduledExecutorService registry;

	private final Settings settings;

	private final ManagerElection election;

	private volatile boolean managerModeLogged;

	/**
	 * The heartbeat counter of this node's registration; on the registry thread only.
	 */
	private long heartbeatCount;

	/**
	 * Whether the last refresh failed; written on the registry thread only, read by
	 * {@link #isCacheReachable()}.
	 */
	private volatile boolean cacheFailing;

	/** Whether this node has read the members in the cache at least once since it started. */
	private volatile boolean discovered;

	private volatile @Nullable Tasks tasks;

	ClusterMembership(LocalNode localNode, MemberRegistry memberRegistry, MemberTable members, Dialer dialer,
			Peers peers, ClusterMessaging messaging, ReplyTimeouts replyTimeouts, ScheduledExecutorService scheduler,
			ScheduledExecutorService registry, Settings settings, ManagerElection election) {
		this.localNode = localNode;
		this.memberRegistry = memberRegistry;
		this.members = members;
		this.dialer = dialer;
		this.peers = peers;
		this.messaging = messaging;
		this.replyTimeouts = replyTimeouts;
		this.scheduler = scheduler;
		this.registry = registry;
		this.settings = settings;
		this.election = election;
	}

	@Override
	public String getNodeId() {
		return this.localNode.getId();
	}

	@Override
	public String getNodeName() {
		return this.localNode.getName();
	}

	@Override
	public boolean isEnabled() {
		return true;
	}

	@Override
	public List<ClusterMember> getMembers() {
		return this.members.members()
			.stream()
			.map((member) -> new ClusterMember(member.id(), member.name(), linkState(member.id())))
			.sorted(Comparator.comparing(ClusterMember::name).thenComparing(ClusterMember::id))
			.toList();
	}

	@Override
	public boolean isManager() {
		return this.election.isManager();
	}

	@Override
	public Optional<ClusterManager> getManager() {
		return this.election.manager();
	}

	@Override
	public List<ClusterMemberStatistics> getMemberStatistics() {
		return getMembers().stream().map((member) -> {
			PeerChannel channel = this.peers.get(member.id());
			long roundTrip = (channel != null) ? channel.lastRoundTripNanos() : -1;
			return new ClusterMemberStatistics(member.id(), member.name(), member.link(),
					(roundTrip >= 0) ? Duration.ofNanos(roundTrip) : null, (channel != null) ? channel.bufferedBytes() : 0);
		}).toList();
	}

	/**
	 * Return whether the last refresh of this node's registration reached the shared
	 * cache.
	 * @return {@code false} while refreshes fail
	 */
	public boolean isCacheReachable() {
		return !this.cacheFailing;
	}

	private ClusterMember.LinkState linkState(String id) {
		if (this.peers.isUp(id)) {
			return ClusterMember.LinkState.UP;
		}
		return this.dialer.isDialing(id) ? ClusterMember.LinkState.CONNECTING : ClusterMember.LinkState.DOWN;
	}

	/**
	 * Read the members set once, on the registry thread, without registering: the cache
	 * client makes its first connection (hundreds of milliseconds for Redis's) while the
	 * application is still starting, instead of when this node joins. A failure is left
	 * to the first refresh to report.
	 */
	void connectCache() {
		this.registry.execute(() -> {
			try {
				this.memberRegistry.memberIds();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not read the cluster cache before joining", ex);
			}
		});
	}

	/**
	 * Join the cluster: register, discover and link, and start the heartbeats.
	 */
	public synchronized void start() {
		if (this.tasks != null) {
			return;
		}
		String prefix = this.settings.cachePrefix();
		logger.info("Node " + this.localNode.getName() + " (" + this.localNode.getId() + ") joining cluster"
				+ (prefix.isEmpty() ? "" : " with cache prefix '" + prefix + "'"));
		this.election.start();
		if (!this.managerModeLogged) {
			this.managerModeLogged = true;
			logger.info("The manager node is chosen by " + this.election.mode());
		}
		long sweepPeriod = this.settings.replySweepPeriod().toNanos();
		this.tasks = new Tasks(
				this.registry.scheduleWithFixedDelay(this::refresh, 0, this.settings.refreshInterval().toNanos(),
						TimeUnit.NANOSECONDS),
				this.scheduler.scheduleWithFixedDelay(this::tick, this.settings.heartbeatInterval().toNanos(),
						this.settings.heartbeatInterval().toNanos(), TimeUnit.NANOSECONDS),
				this.scheduler.scheduleWithFixedDelay(() -> this.replyTimeouts.sweep(System.nanoTime()), sweepPeriod,
						sweepPeriod, TimeUnit.NANOSECONDS));
	}

	/**
	 * Leave the cluster without blocking the caller.
	 * @param callback run once the links are closed
	 */
	public void stop(Runnable callback) {
		leave().whenComplete((result, ex) -> callback.run());
	}

	/**
	 * Set what is done just before the leave notice is queued, after everything else that
	 * was queued: the handover of this node's sessions.
	 * @param beforeLeave the task
	 */
	void setBeforeLeave(Runnable beforeLeave) {
		this.beforeLeave = beforeLeave;
	}

	/**
	 * Leave the cluster, and wait until the links are closed.
	 */
	public void stop() {
		leave().join();
	}

	/**
	 * Whether this node has joined the cluster and not left it.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.tasks != null;
	}

	/**
	 * Leave the cluster: deregister, send the leave notice after everything queued,
	 * wait for the peers to confirm it, then close the links.
	 * @return completed once the links are closed
	 */
	private synchronized CompletableFuture<Void> leave() {
		Tasks running = this.tasks;
		this.tasks = null;
		if (running == null) {
			return CompletableFuture.completedFuture(null);
		}
		running.refresh().cancel(false);
		running.heartbeat().cancel(false);
		// No new links while leaving; again at the end, for a refresh that was under way
		this.dialer.clear();
		// On the registry thread, so that it cannot race a refresh under way
		return CompletableFuture.runAsync(this::leaveCache, this.registry)
			.orTimeout(this.settings.deregisterTimeout().toNanos(), TimeUnit.NANOSECONDS)
			.exceptionally((ex) -> {
				Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
				logger.warn("Could not deregister from the cluster cache: " + cause);
				return null;
			})
			.thenComposeAsync((ignored) -> {
				long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
				try {
					this.beforeLeave.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not hand this node's sessions to its peers", ex);
				}
				// A peer confirms the moves after every send it made before it knew of them:
				// those are answered (through the heir) before the leave notice, after which
				// the peer would take no answer from this node
				return whenConfirmed(deadline).thenComposeAsync((confirmed) -> {
					this.messaging.leave();
					return whenConfirmed(deadline);
				}, this.scheduler);
			}, this.scheduler)
			.handle((result, ex) -> {
				this.peers.closeAll(CloseStatus.GOING_AWAY);
				this.members.clear();
				this.dialer.clear();
				running.replySweep().cancel(false);
				return null;
			});
	}

	/**
	 * Give up the manager lease first, so that the next node to refresh takes it, then
	 * deregister; on the registry thread.
	 */
	private void leaveCache() {
		try {
			this.election.release();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not release the manager lease; it runs out on its own: " + ex);
		}
		this.memberRegistry.deregister();
	}

	/**
	 * Return a future that completes once every peer has confirmed everything queued
	 * for it, or at the deadline; looks on the scheduler, so that no thread waits.
	 */
	private CompletableFuture<Void> whenConfirmed(long deadline) {
		CompletableFuture<Void> confirmed = new CompletableFuture<>();
		pollConfirmed(deadline, confirmed);
		return confirmed;
	}

	private void pollConfirmed(long deadline, CompletableFuture<Void> confirmed) {
		if ((this.peers.isFlushed() && !this.messaging.isForwarding()) || System.nanoTime() - deadline >= 0) {
			confirmed.complete(null);
			return;
		}
		this.scheduler.schedule(() -> pollConfirmed(deadline, confirmed), CONFIRMATION_POLL_INTERVAL.toNanos(),
				TimeUnit.NANOSECONDS);
	}

	/**
	 * Check the links, send heartbeats and dial what is due; every heartbeat interval.
	 */
	private void tick() {
		this.peers.tick();
		List<MemberTable.Member> members = this.members.members();
		this.dialer.dial(members);
		this.election.heartbeat(members.stream().map(MemberTable.Member::id).filter(this.peers::isUp).toList());
	}

	/**
	 * Refresh this node's registration, read the others, tell the peers and link to new
	 * members; on the registry thread.
	 */
	void refresh() {
		try {
			this.memberRegistry.register(ownRegistration(++this.heartbeatCount), this.settings.registrationTimeToLive());
			discover();
			this.discovered = true;
			if (this.cacheFailing) {
				this.cacheFailing = false;
				logger.info("Cluster cache is reachable again; registration restored");
			}
		}
		catch (CacheContentException ex) {
			// Reached, but a key could not be repaired: not an outage
			this.memberRegistry.unrepaired(ex);
			expire();
		}
		catch (RuntimeException ex) {
			cacheFailed(ex);
			// Members with live links stay; the others expire as usual
			expire();
		}
		this.election.refresh();
		String gossip = this.members.gossip(ownRegistration(this.heartbeatCount), this.peers::isUp);
		if (gossip != null) {
			this.messaging.gossip(gossip);
		}
		this.dialer.dial(this.members.members());
	}

	/**
	 * Return whether this node has read the other members from the cache since it
	 * started.
	 */
	boolean hasDiscovered() {
		return this.discovered;
	}

	private Registration ownRegistration(long heartbeat) {
		return new Registration(this.localNode.getId(), this.localNode.getName(), heartbeat);
	}

	/**
	 * Whether every linked peer has acknowledged everything queued for it.
	 */
	boolean isFlushed() {
		return this.peers.isFlushed();
	}

	private void cacheFailed(RuntimeException ex) {
		if (!this.cacheFailing) {
			this.cacheFailing = true;
			String problem = CacheFailures.isUnreachable(ex) ? "is unreachable" : "failed";
			logger.warn("Cluster cache " + problem + "; keeping the " + this.peers.upCount()
					+ " live peer link(s) and retrying every " + this.settings.refreshInterval() + ": " + ex);
		}
	}

	private void discover() {
		for (String id : this.memberRegistry.memberIds()) {
			if (id.equals(this.localNode.getId())) {
				continue;
			}
			if (this.members.isDeparted(id)) {
				forget(id);
				continue;
			}
			Registration registration = this.memberRegistry.read(id);
			if (registration != null) {
				this.members.observe(registration, this.peers::isUp).forEach(this.peers::remove);
			}
			else if (!this.members.contains(id)) {
				// A stale entry whose registration expired in the cache, or cannot be read
				this.memberRegistry.remove(id);
			}
		}
		expire();
	}

	private void expire() {
		this.members.expire(this.peers::isUp).forEach(this::forget);
	}

	/**
	 * Forget a member that expired or departed: close its channel and clear its entries
	 * in the cache.
	 */
	private void forget(String id) {
		this.peers.remove(id);
		try {
			this.memberRegistry.clear(id);
			this.memberRegistry.remove(id);
		}
		catch (RuntimeException ex) {
			// The cache is down; the entry expires there on its own
		}
	}

	/**
	 * Timing and naming of the membership.
	 *
	 * @param cachePrefix the prefix of every cache key
	 * @param refreshInterval how often the registration is refreshed
	 * @param registrationTimeToLive how long the cache keeps a registration that is not
	 * refreshed
	 * @param deregisterTimeout how long a stopping node waits for its deregistration
	 * @param heartbeatInterval how often links are checked and heartbeats sent
	 * @param drainTimeout how long a stopping node waits for its peers to confirm what
	 * was queued for them
	 * @param replySweepPeriod how often requests that wait for a reply are timed out
	 */
	record Settings(String cachePrefix, Duration refreshInterval, Duration registrationTimeToLive,
			Duration deregisterTimeout, Duration heartbeatInterval, Duration drainTimeout, Duration replySweepPeriod) {

	}

	private record Tasks(ScheduledFuture<?> refresh, ScheduledFuture<?> heartbeat, ScheduledFuture<?> replySweep) {

	}

}

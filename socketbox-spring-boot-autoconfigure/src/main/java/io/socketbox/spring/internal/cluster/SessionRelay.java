package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.internal.SessionRouter;

import org.springframework.web.socket.CloseStatus;

/**
 * The cluster's {@link SessionRouter}: a session's frames travel between its home and the
 * node its client is connected to as data frames on their channel, so they are ordered,
 * resent after a broken link and delivered once like any other. Once per heartbeat
 * interval from the first relayed session on, this node's sessions whose client is on a
 * node that is no longer reachable wait for their client, as after a closed connection,
 * clients here whose session's home is no longer reachable are told to reconnect, and
 * homes are told how far this node has handled their clients' messages.
 */
final class SessionRelay implements SessionRouter {

	private static final Log logger = LogFactory.getLog(SessionRelay.class);

	private static final long SETTLE_POLL_MILLIS = 50;

	private final String nodeId;

	private final ClusterMessaging messaging;

	private final Peers peers;

	private final LocalConnections connections;

	private final ScheduledExecutorService scheduler;

	private final Duration sweepInterval;

	private final Duration replyTimeout;

	private final AtomicBoolean sweeping = new AtomicBoolean();

	/** Completed once this node knows where the sessions of the cluster are (at once unless watched). */
	private volatile CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

	private final AtomicBoolean settling = new AtomicBoolean();

	SessionRelay(LocalNode localNode, ClusterMessaging messaging, Peers peers, LocalConnections connections,
			ScheduledExecutorService scheduler, Duration sweepInterval, Duration replyTimeout) {
		this.nodeId = localNode.getId();
		this.messaging = messaging;
		this.peers = peers;
		this.connections = connections;
		this.scheduler = scheduler;
		this.sweepInterval = sweepInterval;
		this.replyTimeout = replyTimeout;
	}

	@Override
	public @Nullable String homeOf(String sessionId) {
		String home = this.messaging.nodeOf(sessionId);
		if (home == null || home.equals(this.nodeId) || !this.peers.isReachable(home)) {
			return null;
		}
		return home;
	}

	@Override
	public CompletableFuture<Integer> attach(String home, String sessionId, long received) {
		startSweeping();
		return this.messaging.attachSession(home, sessionId, received);
	}

	@Override
	public void detached(String home, String sessionId, boolean ended) {
		this.messaging.queueSessionFrame(home, Envelope.sessionDetach(this.nodeId, sessionId, ended));
	}

	@Override
	public void relay(String nodeId, String sessionId, OutboundText frame) {
		startSweeping();
		this.messaging.queueSessionFrame(nodeId, Envelope.sessionFrame(this.nodeId, sessionId, frame.text()));
	}

	@Override
	public void close(String nodeId, String sessionId, CloseStatus status) {
		this.messaging.queueSessionFrame(nodeId, Envelope.sessionClose(this.nodeId, null, sessionId, status.getCode(),
				(status.getReason() != null) ? status.getReason() : ""));
	}

	/**
	 * Waits at most half the reply timeout, so that the node that asked for the session
	 * gets its answer within its own.
	 */
	@Override
	public CompletableFuture<?> supersede(String nodeId, String sessionId, CloseStatus status) {
		CompletableFuture<Integer> closed = this.messaging.supersedeSession(nodeId, sessionId, status);
		this.scheduler.schedule(() -> closed.complete(ClusterMessaging.TIMED_OUT), this.replyTimeout.toNanos() / 2,
				TimeUnit.NANOSECONDS);
		return closed;
	}

	@Override
	public void handled(String nodeId, String sessionId, long seq) {
		this.messaging.queueSessionFrame(nodeId, Envelope.sessionHandled(this.nodeId, sessionId, seq));
	}

	/**
	 * Hand this node's sessions to the peers, as it stops: each to the node its client is
	 * connected to, or spread over the reachable peers. Announced to every peer once the
	 * heir has answered, so that no peer sends to the heir before it has the session (this
	 * node forwards what still reaches it), and before the leave notice.
	 */
	void handOver() {
		List<String> heirs = this.peers.all()
			.stream()
			.map(PeerChannel::peerId)
			.filter(this.peers::isReachable)
			.sorted()
			.toList();
		if (heirs.isEmpty()) {
			return;
		}
		this.connections.remoteSessions().handOver((sessionId, attached) -> {
			if (attached != null && this.peers.isReachable(attached)) {
				return attached;
			}
			return heirs.get(Math.floorMod(sessionId.hashCode(), heirs.size()));
		}, (adoption) -> {
			return this.messaging
				.handOverSession(adoption.heir(), adoption.sessionId(), SessionStates.write(adoption))
				.whenComplete((answer, failure) -> this.messaging
					.replicate(Envelope.sessionMoved(this.nodeId, adoption.sessionId(), adoption.heir())));
		});
	}

	/**
	 * Sessions handed over from a node that went unreachable without its leave notice
	 * stop waiting for it.
	 */
	private void liftUnreachable() {
		for (String nodeId : this.connections.fencingNodes()) {
			if (!this.peers.isReachable(nodeId)) {
				this.connections.remoteSessions().left(nodeId);
			}
		}
	}

	/**
	 * Watch this node, from its start, until it knows where the sessions of the cluster
	 * are: once it has read the members from the cache, until it has linked with every
	 * member it found and has their directories, or for four reply timeouts at most (a
	 * member that stays unreachable has crashed).
	 * @param discovered whether it has read the members from the cache
	 * @param linked whether it has linked with every member it found and has their
	 * directories
	 */
	void settleWhen(BooleanSupplier discovered, BooleanSupplier linked) {
		if (!this.settling.compareAndSet(false, true)) {
			return;
		}
		CompletableFuture<Void> settled = new CompletableFuture<>();
		this.settled = settled;
		AtomicBoolean deadlineSet = new AtomicBoolean();
		ScheduledFuture<?> poll = this.scheduler.scheduleWithFixedDelay(() -> {
			if (!discovered.getAsBoolean()) {
				return;
			}
			if (deadlineSet.compareAndSet(false, true)) {
				this.scheduler.schedule(() -> settled.complete(null), 4 * this.replyTimeout.toNanos(),
						TimeUnit.NANOSECONDS);
			}
			if (linked.getAsBoolean()) {
				settled.complete(null);
			}
		}, SETTLE_POLL_MILLIS, SETTLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
		settled.whenComplete((ignored, failure) -> poll.cancel(false));
	}

	@Override
	public boolean isSettled() {
		return this.settled.isDone();
	}

	/**
	 * Waits at most the reply timeout.
	 */
	@Override
	public CompletableFuture<?> whenSettled() {
		CompletableFuture<Void> waited = new CompletableFuture<>();
		this.settled.whenComplete((ignored, failure) -> waited.complete(null));
		this.scheduler.schedule(() -> waited.complete(null), this.replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
		return waited;
	}

	@Override
	public void watch() {
		startSweeping();
	}

	private void startSweeping() {
		if (this.sweeping.compareAndSet(false, true)) {
			long period = Math.max(1, this.sweepInterval.toMillis());
			this.scheduler.scheduleWithFixedDelay(() -> {
				try {
					this.connections.remoteSessions().detachFrom(this.peers::isReachable);
					this.connections.remoteSessions().closeOrphans(this.peers::isReachable);
					this.connections.remoteSessions().reportHandled();
					liftUnreachable();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not sweep the relayed sessions", ex);
				}
			}, period, period, TimeUnit.MILLISECONDS);
		}
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.ManagerChangedEvent;
import io.socketbox.spring.MessagesDroppedEvent;
import io.socketbox.spring.RoundTripListener;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.internal.ConnectionLimitInterceptor;
import io.socketbox.spring.internal.DirectoryUpdates;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.LocalNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The parts of a cluster node, wired together: its messaging, its membership and the
 * handler of its cluster endpoint. Creating a node starts nothing: as a lifecycle, in
 * the {@link LifecyclePhases#CLUSTER} phase, it joins the cluster when it starts and
 * leaves it, without blocking the caller, when it stops.
 */
public final class ClusterNode implements SmartLifecycle, InitializingBean, DisposableBean {

	/**
	 * The shortest secret accepted.
	 */
	public static final int MIN_SECRET_LENGTH = 32;

	/**
	 * The smallest {@code max-frame-size} accepted: the largest frame that a link accepts
	 * before its handshake has completed, so that every handshake frame that one node may
	 * send fits the links of every other.
	 */
	public static final int MIN_FRAME_SIZE = PeerProtocolHandler.HANDSHAKE_FRAME_LIMIT;

	private final ScheduledExecutorService scheduler;

	private final ScheduledExecutorService registry;

	private final ExecutorService senders;

	private volatile boolean autoStartup = true;

	/**
	 * The default of {@code socketbox.directory.max-attributes-size}, in bytes.
	 */
	public static final long DEFAULT_MAX_PUBLISHED_ATTRIBUTES_SIZE = 1024;

	private final ClusterMessaging messaging;

	private final ExecutorService events;

	private final ConnectionDirectory directory;

	private final DirectoryReplication directoryReplication;

	private final PeerRpcTransport rpcTransport;

	private final StompPeerLinks stompLinks;

	/** Watches this node, once started, until it knows where the sessions of the cluster are. */
	private final Runnable watchSettling;

	private final ClusterMembership membership;

	private final PeerProtocolHandler peerHandler;

	private final HandshakeInterceptor peerHandshakeInterceptor;

	private final Peers peers;

	/**
	 * Create a node.
	 * @param localNode this node
	 * @param connections the connections of this node
	 * @param payloadWriter writes payloads that are not strings
	 * @param cache the shared cache to register in
	 * @param client the client that dials other nodes
	 * @param eventPublisher publishes {@link io.socketbox.spring.MessagesDroppedEvent} and
	 * {@link ManagerChangedEvent}
	 * @param settings the cluster settings
	 * @param operations runs the cluster operations that other nodes call
	 * @param rpcCodec writes the replies of calls that cannot be carried
	 * @param maxPublishedAttributesSize the largest size of the attributes one connection
	 * publishes in the directory, in bytes
	 * @param messages runs this node's listeners for the messages that peers publish, or
	 * {@code null} to ignore those messages
	 */
	public ClusterNode(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter,
			CacheProvider cache, WebSocketClient client, ApplicationEventPublisher eventPublisher, Settings settings,
			ClusterOperationInvoker operations, RpcCodec rpcCodec, long maxPublishedAttributesSize,
			@Nullable ClusterMessageDispatcher messages) {
		this.scheduler = new ScheduledThreadPoolExecutor(1, threadFactory("socketbox-cluster-"));
		this.registry = new ScheduledThreadPoolExecutor(1, threadFactory("socketbox-registry-"));
		// One drain task per peer at most: a slow peer holds up only its own thread
		this.senders = Executors.newCachedThreadPool(threadFactory("socketbox-peer-sender-"));
		EnvelopeCodec codec = new EnvelopeCodec();
		Discovery discovery = settings.discovery();
		Links links = settings.links();
		Delivery delivery = settings.delivery();
		PeerDrops drops = new PeerDrops(eventPublisher, links.maxFrameSize());
		Peers peers = new Peers(localNode, codec,
				new PeerChannel.Settings(links.heartbeatTimeout(), delivery.resendWindow(),
						delivery.resendBufferSize(), Delivery.ACKNOWLEDGE_EVERY, links.batchLimitBytes(),
						links.maxFrameSize()),
				this.senders, this.scheduler, drops);
		this.peers = peers;
		ReplyTimeouts replyTimeouts = new ReplyTimeouts(delivery.replyTimeout(), this.senders);
		// Presence listeners run on a thread of their own, never on one that reads a link
		this.events = Executors.newSingleThreadExecutor(threadFactory("socketbox-events-"));
		this.directory = new ConnectionDirectory(localNode.getId(), maxPublishedAttributesSize,
				eventPublisher::publishEvent, this.events, connections::routeOf);
		this.messaging = new ClusterMessaging(localNode, connections, payloadWriter, peers, replyTimeouts, drops,
				settings.debug(), this.directory);
		SessionRelay sessionRelay = new SessionRelay(localNode, this.messaging, peers, connections, this.scheduler,
				links.heartbeatInterval(), delivery.replyTimeout());
		connections.setSessionRouter(sessionRelay);
		this.directoryReplication = new DirectoryReplication(localNode, this.directory, this.messaging, peers,
				this.scheduler, links.heartbeatInterval(), links.maxFrameSize());
		this.rpcTransport = new PeerRpcTransport(localNode.getId(), this.messaging, operations, rpcCodec);
		this.stompLinks = new StompPeerLinks(localNode.getId(), this.messaging, peers, links.maxFrameSize());
		MemberTable members = new MemberTable(localNode.getId(), discovery.memberTimeout(),
				discovery.departedMemory(), System::nanoTime);
		PeerProtocolHandler.PeerContext context = new PeerProtocolHandler.PeerContext(localNode,
				new PeerAuthenticator(settings.secretKey(), settings.previousSecretKeys()), codec, peers,
				new PeerInbox(peers, members, this.messaging, this.rpcTransport, this.directoryReplication,
						messages, this.stompLinks,
						new HistoryBackfill(localNode.getId(), this.messaging, peers, connections, links.maxFrameSize())),
				this.scheduler, links.handshakeTimeout(), links.maxFrameSize(), links.sendTimeLimitMillis(),
				links.sendBufferSizeLimit());
		PendingHandshakes pendingHandshakes = new PendingHandshakes(links.maxPendingHandshakes());
		this.peerHandler = new PeerProtocolHandler(context, pendingHandshakes);
		this.peerHandshakeInterceptor = new ConnectionLimitInterceptor(pendingHandshakes::count,
				links.maxPendingHandshakes(), "connections that have not completed the peer handshake",
				"socketbox.cluster.max-pending-handshakes");
		Dialer dialer = new Dialer(localNode.getId(),
				new Dialer.Settings(links.reconnectInitialDelay(), links.reconnectMaxDelay(), links.dialTimeout()),
				client, (dial) -> new PeerProtocolHandler(context, dial), peers::isUp, this.scheduler, System::nanoTime,
				new SplittableRandom());
		this.membership = new ClusterMembership(localNode,
				new MemberRegistry(cache, JsonMapper.shared(), discovery.cachePrefix(), localNode.getId()), members,
				dialer, peers, this.messaging, replyTimeouts, this.scheduler, this.registry,
				new ClusterMembership.Settings(discovery.cachePrefix(), discovery.refreshInterval(),
						discovery.registrationTimeToLive(), discovery.deregisterTimeout(), links.heartbeatInterval(),
						links.drainTimeout(), ReplyTimeouts.sweepPeriod(delivery.replyTimeout())),
				new ManagerElection(cache, discovery.cachePrefix(), localNode.getId(), discovery.leaseDuration(),
						new MonotonicClock(), (state) -> publishManagerChanged(eventPublisher, state)));
		// The sessions of this node go to its peers before it leaves
		this.membership.setBeforeLeave(sessionRelay::handOver);
		// A resume waits until this node, just started, knows where the sessions are
		DirectoryReplication directoryReplication = this.directoryReplication;
		this.watchSettling = () -> sessionRelay.settleWhen(this.membership::hasDiscovered, () -> members.members()
			.stream()
			.allMatch((member) -> peers.isReachable(member.id()) && directoryReplication.hasSnapshotOf(member.id())));
	}

	/**
	 * Publish a change of manager, with the membership (the cluster view) as its source.
	 */
	private void publishManagerChanged(ApplicationEventPublisher eventPublisher, ManagerState state) {
		eventPublisher.publishEvent(
				new ManagerChangedEvent(this.membership, state.managerId(), state.token(), state.thisNode()));
	}

	private static CustomizableThreadFactory threadFactory(String prefix) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory(prefix);
		threadFactory.setDaemon(true);
		return threadFactory;
	}

	/**
	 * Return the messaging of this node.
	 * @return the messaging
	 */
	public ClusterMessaging getMessaging() {
		return this.messaging;
	}

	/**
	 * Return the directory of the cluster's connections as this node knows it.
	 * @return the directory
	 */
	public ConnectionDirectory getDirectory() {
		return this.directory;
	}

	/**
	 * Return where the endpoint's handler reports the connections of this node.
	 * @return the updates, replicated to peers
	 */
	public DirectoryUpdates getDirectoryUpdates() {
		return this.directoryReplication;
	}

	/**
	 * Return the transport that carries this node's cluster operation calls to the
	 * other nodes.
	 * @return the transport
	 */
	public RpcTransport getRpcTransport() {
		return this.rpcTransport;
	}

	/**
	 * Return what carries STOMP broker messages and subscriptions between this node and
	 * its peers.
	 * @return the STOMP links
	 */
	public StompPeerLinks getStompLinks() {
		return this.stompLinks;
	}

	/**
	 * Return the membership of this node, a lifecycle that joins and leaves the cluster.
	 * @return the membership
	 */
	public ClusterMembership getMembership() {
		return this.membership;
	}

	/**
	 * Return the handler of the cluster endpoint that other nodes dial.
	 * @return the handler
	 */
	public WebSocketHandler getPeerHandler() {
		return this.peerHandler;
	}

	/**
	 * Return the interceptor to register with the {@link #getPeerHandler() handler} of
	 * the cluster endpoint: it refuses new connections with {@code 503} while too many
	 * have not completed the peer handshake.
	 * @return the interceptor
	 */
	public HandshakeInterceptor getPeerHandshakeInterceptor() {
		return this.peerHandshakeInterceptor;
	}

	/**
	 * Set whether this node joins the cluster when the application context starts.
	 * @param autoStartup {@code false} to join only when {@link #start()} is called
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	/**
	 * Reach the shared cache while the rest of the application starts, when this node
	 * will join on start.
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.autoStartup) {
			this.membership.connectCache();
		}
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.CLUSTER;
	}

	@Override
	public void start() {
		this.membership.start();
		this.watchSettling.run();
	}

	@Override
	public void stop(Runnable callback) {
		this.membership.stop(callback);
	}

	@Override
	public void stop() {
		this.membership.stop();
	}

	@Override
	public boolean isRunning() {
		return this.membership.isRunning();
	}

	/**
	 * Set what is told of the round trips this node measures: heartbeats on each peer
	 * link and direct sends that other nodes confirm.
	 * @param listener the listener, called on the threads that read the links
	 */
	public void setRoundTripListener(RoundTripListener listener) {
		this.peers.setRoundTripListener(listener);
		this.messaging.setRoundTripListener(listener);
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		this.registry.shutdownNow();
		this.senders.shutdownNow();
		this.events.shutdown();
	}

	/**
	 * Settings of a cluster node, in groups.
	 *
	 * @param secretKey the secret that all nodes share
	 * @param discovery how the node registers and finds the others
	 * @param links the links between nodes
	 * @param delivery how messages for peers wait and are confirmed
	 * @param debug whether to log cluster traffic at INFO level
	 * @param previousSecretKeys other secrets accepted from peers, never used to prove
	 * this node
	 */
	public record Settings(String secretKey, Discovery discovery, Links links, Delivery delivery, boolean debug,
			List<String> previousSecretKeys) {

		public Settings {
			previousSecretKeys = List.copyOf(previousSecretKeys);
		}

		@Override
		public String toString() {
			// Never show a key
			return "Settings[discovery=" + this.discovery + ", links=" + this.links + ", delivery=" + this.delivery
					+ ", debug=" + this.debug + ", previousSecretKeys=" + this.previousSecretKeys.size() + "]";
		}

	}

	/**
	 * How a node registers in the shared cache and finds the other members.
	 *
	 * @param cachePrefix the prefix of every cache key
	 * @param refreshInterval how often the registration is refreshed
	 * @param memberTimeout how long a registration may stay unchanged before it expires;
	 * longer than the refresh interval
	 * @param managerLeaseDuration how long the manager's lease lasts without renewal, or
	 * {@code null} for {@link #defaultLeaseDuration the default}; at least twice the
	 * refresh interval
	 */
	public record Discovery(String cachePrefix, Duration refreshInterval, Duration memberTimeout,
			@Nullable Duration managerLeaseDuration) {

		/**
		 * Settings with the default lease duration.
		 * @param cachePrefix the prefix of every cache key
		 * @param refreshInterval how often the registration is refreshed
		 * @param memberTimeout how long a registration may stay unchanged before it
		 * expires
		 */
		public Discovery(String cachePrefix, Duration refreshInterval, Duration memberTimeout) {
			this(cachePrefix, refreshInterval, memberTimeout, null);
		}

		/**
		 * The lease duration when none is set: the member timeout less two refresh
		 * intervals, so that a manager that dies is replaced within the member timeout
		 * of its last renewal (the lease duration plus two refreshes of another node),
		 * and at least three refresh intervals, so that one late refresh does not cost
		 * the manager its lease.
		 * @param refreshInterval the refresh interval
		 * @param memberTimeout the member timeout
		 * @return the default lease duration
		 */
		public static Duration defaultLeaseDuration(Duration refreshInterval, Duration memberTimeout) {
			Duration withinMemberTimeout = memberTimeout.minus(refreshInterval.multipliedBy(2));
			Duration threeRefreshes = refreshInterval.multipliedBy(3);
			return (withinMemberTimeout.compareTo(threeRefreshes) > 0) ? withinMemberTimeout : threeRefreshes;
		}

		/**
		 * How long the manager's lease lasts without renewal.
		 * @return the lease duration, as set or by default
		 */
		Duration leaseDuration() {
			return (this.managerLeaseDuration != null) ? this.managerLeaseDuration
					: defaultLeaseDuration(this.refreshInterval, this.memberTimeout);
		}

		/**
		 * How long the cache keeps a registration that is no longer refreshed: twice the
		 * member timeout. The other members expire a silent node after the member timeout
		 * on their own clocks; the cache's expiry only cleans up after a node that died
		 * without deregistering, and must not come first even where the store's clock
		 * runs ahead of theirs.
		 * @return the time to live of a registration
		 */
		Duration registrationTimeToLive() {
			return this.memberTimeout.multipliedBy(2);
		}

		/**
		 * How long a member that left, or that a restart replaced, is not taken back from
		 * the cache or from gossip: as long as its registration may live in the cache if
		 * it could not be deleted, which is longer than peers that missed its leave
		 * notice keep gossiping about it (the member timeout).
		 * @return how long departed members are remembered
		 */
		Duration departedMemory() {
			return registrationTimeToLive();
		}

		/**
		 * How long a stopping node waits for its deregistration: two refresh intervals,
		 * since it waits on the registry thread behind a refresh that may be under way.
		 * @return the deregister timeout
		 */
		Duration deregisterTimeout() {
			return this.refreshInterval.multipliedBy(2);
		}

	}

	/**
	 * The links between nodes: their handshake, heartbeats, reconnection and limits.
	 *
	 * @param handshakeTimeout how long a peer has to complete the handshake
	 * @param maxPendingHandshakes how many accepted connections may be waiting for the
	 * peer handshake to complete
	 * @param heartbeatInterval how often each link carries a heartbeat
	 * @param heartbeatTimeout how long a link may stay silent before it is closed, and a
	 * peer without a link before sends to it fail; longer than the heartbeat interval
	 * @param reconnectInitialDelay the delay before the first attempt to reconnect
	 * @param reconnectMaxDelay the longest delay between attempts to reconnect; not below
	 * the initial delay
	 * @param maxFrameSize the largest frame accepted on a link, and sent on one, in bytes;
	 * at least {@link ClusterNode#MIN_FRAME_SIZE}
	 * @param sendTimeLimit how long a send to a peer may block before the link is cut
	 * @param sendBufferSizeLimit how many bytes may wait for a peer's socket before the
	 * link is cut
	 */
	public record Links(Duration handshakeTimeout, int maxPendingHandshakes, Duration heartbeatInterval,
			Duration heartbeatTimeout, Duration reconnectInitialDelay, Duration reconnectMaxDelay, int maxFrameSize,
			Duration sendTimeLimit, int sendBufferSizeLimit) {

		/**
		 * The most that frames queued for a peer add up to in one write: enough to carry
		 * hundreds of small messages per write under load.
		 */
		static final int BATCH_LIMIT_BYTES = 64 * 1024;

		/**
		 * How long a dial may be in progress before it is tried again: twice the handshake
		 * timeout, since connecting and upgrading may take as long as the handshake that
		 * follows.
		 * @return the dial timeout
		 */
		Duration dialTimeout() {
			return this.handshakeTimeout.multipliedBy(2);
		}

		/**
		 * How long a stopping node waits for its peers to take what is queued for them:
		 * the send time limit, since a peer that takes longer would have its link cut
		 * anyway.
		 * @return the drain timeout
		 */
		Duration drainTimeout() {
			return this.sendTimeLimit;
		}

		/**
		 * The most that queued frames may add up to in one write: {@link #BATCH_LIMIT_BYTES},
		 * or less when frames are smaller, since a batch travels as one frame.
		 * @return the batch limit in bytes
		 */
		int batchLimitBytes() {
			return Math.min(BATCH_LIMIT_BYTES, this.maxFrameSize);
		}

		int sendTimeLimitMillis() {
			return (int) Math.min(Integer.MAX_VALUE, this.sendTimeLimit.toMillis());
		}

	}

	/**
	 * How messages for peers wait for their links and how direct sends are confirmed.
	 *
	 * @param replyTimeout how long to wait for a peer to confirm a direct send
	 * @param resendWindow how long messages for a peer wait for its link to come back; not
	 * shorter than the heartbeat timeout, which it includes
	 * @param resendBufferSize the most bytes that may wait for one peer
	 */
	public record Delivery(Duration replyTimeout, Duration resendWindow, long resendBufferSize) {

		/**
		 * A node acknowledges received frames at least this often, besides with every
		 * heartbeat, so that a fast sender's resend buffer empties between heartbeats.
		 */
		static final int ACKNOWLEDGE_EVERY = 256;

	}

}

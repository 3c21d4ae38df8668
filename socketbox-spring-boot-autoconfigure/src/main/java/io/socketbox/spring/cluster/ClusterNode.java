package io.socketbox.spring.cluster;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import io.socketbox.spring.LocalConnections;
import io.socketbox.spring.cache.CacheProvider;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.client.WebSocketClient;

/**
 * The parts of a cluster node, wired together: its messaging, its membership and the
 * handler of its cluster endpoint.
 */
public final class ClusterNode implements DisposableBean {

	private final ScheduledExecutorService scheduler;

	private final ClusterMessaging messaging;

	private final ClusterMembership membership;

	private final PeerProtocolHandler peerHandler;

	/**
	 * Create a node.
	 * @param localNode this node
	 * @param connections the connections of this node
	 * @param payloadWriter writes payloads that are not strings
	 * @param cache the shared cache to register in
	 * @param client the client that dials other nodes
	 * @param settings the cluster settings
	 */
	public ClusterNode(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter,
			CacheProvider cache, WebSocketClient client, Settings settings) {
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory("socketbox-cluster-");
		threadFactory.setDaemon(true);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(threadFactory);
		PeerLinks links = new PeerLinks();
		this.messaging = new ClusterMessaging(localNode, connections, payloadWriter, links, settings.replyTimeout(),
				settings.debug());
		PeerProtocolHandler.PeerContext context = new PeerProtocolHandler.PeerContext(localNode,
				new PeerAuthenticator(settings.secretKey()), new EnvelopeCodec(), links, this.messaging::onEnvelope,
				this.scheduler, settings.handshakeTimeout(), settings.maxFrameSize(), settings.sendTimeLimitMillis(),
				settings.sendBufferSizeLimit());
		this.peerHandler = new PeerProtocolHandler(context);
		this.membership = new ClusterMembership(localNode, cache, links, client, context, this.scheduler,
				new ClusterMembership.Settings(settings.cachePrefix(), settings.refreshInterval(),
						settings.memberTimeout(), settings.handshakeTimeout().multipliedBy(2)));
		this.messaging.setLeaveListener(this.membership::onLeave);
	}

	/**
	 * Return the messaging of this node.
	 * @return the messaging
	 */
	public ClusterMessaging getMessaging() {
		return this.messaging;
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

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	/**
	 * Settings of a cluster node.
	 *
	 * @param secretKey the secret that all nodes share
	 * @param cachePrefix the prefix of every cache key
	 * @param refreshInterval how often the registration is refreshed
	 * @param memberTimeout how long a registration may stay unchanged before it expires
	 * @param handshakeTimeout how long a peer has to complete the handshake
	 * @param replyTimeout how long to wait for a peer to confirm a direct send
	 * @param maxFrameSize the largest frame accepted on a peer link, in bytes
	 * @param sendTimeLimitMillis how long a send to a peer may block before the link is
	 * cut
	 * @param sendBufferSizeLimit how many bytes may wait for a peer before the link is
	 * cut
	 * @param debug whether to log cluster traffic at INFO level
	 */
	public record Settings(String secretKey, String cachePrefix, Duration refreshInterval, Duration memberTimeout,
			Duration handshakeTimeout, Duration replyTimeout, int maxFrameSize, int sendTimeLimitMillis,
			int sendBufferSizeLimit, boolean debug) {

	}

}

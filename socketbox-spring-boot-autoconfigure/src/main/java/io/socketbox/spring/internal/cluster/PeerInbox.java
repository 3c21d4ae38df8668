package io.socketbox.spring.internal.cluster;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Takes what authenticated links bring: the links themselves, which it hands to their
 * {@link PeerChannel channels} and makes members of, and their frames, which it checks
 * and hands on in the order the peer sent them: acknowledgements to the channel, data
 * frames to {@link ClusterMessaging}, cluster operation requests and replies to the
 * {@link PeerRpcTransport}, published application messages to the
 * {@link ClusterMessageDispatcher}, STOMP messages and subscriptions to the
 * {@link StompPeerLinks}, and a leave notice or gossip to the {@link MemberTable}. Runs on the threads that read the links.
 */
final class PeerInbox {

	private static final Log logger = LogFactory.getLog(PeerInbox.class);

	private final Peers peers;

	private final MemberTable members;

	private final ClusterMessaging messaging;

	private final PeerRpcTransport rpc;

	private final @Nullable DirectoryReplication directory;

	private final @Nullable HistoryBackfill history;

	private final @Nullable ClusterMessageDispatcher messages;

	private final @Nullable StompPeerLinks stomp;

	/**
	 * Create an inbox; without a dispatcher, published application messages are
	 * ignored.
	 */
	PeerInbox(Peers peers, MemberTable members, ClusterMessaging messaging, PeerRpcTransport rpc,
			@Nullable DirectoryReplication directory, @Nullable ClusterMessageDispatcher messages,
			@Nullable StompPeerLinks stomp, @Nullable HistoryBackfill history) {
		this.messages = messages;
		this.stomp = stomp;
		this.peers = peers;
		this.members = members;
		this.messaging = messaging;
		this.rpc = rpc;
		this.directory = directory;
		this.history = history;
	}

	/**
	 * Take a link that has just been authenticated.
	 * @param link the link
	 * @param peerAcknowledged the highest sequence number the peer had received from
	 * this node when the link was set up
	 */
	void linkUp(PeerLink link, long peerAcknowledged) {
		this.peers.linkUp(link, peerAcknowledged);
		this.members.linked(link.peerId(), link.peerName(), this.peers::isUp).forEach(this.peers::remove);
		logger.info("Linked with " + link.peerName() + " (" + link.peerId() + ")");
		// The broadcast history first: a node that has a peer's whole directory snapshot
		// has its history too, and a resume that waits for the one finds the other
		if (this.history != null) {
			this.history.linkUp(link.peerId());
		}
		if (this.directory != null) {
			this.directory.linkUp(link.peerId());
		}
		if (this.stomp != null) {
			this.stomp.linkUp(link.peerId());
		}
	}

	/**
	 * Forget a link that has closed.
	 * @param link the link
	 * @param status how it closed
	 */
	void linkDown(PeerLink link, CloseStatus status) {
		if (this.peers.linkDown(link)) {
			logger.info("Link with " + link.peerName() + " (" + link.peerId() + ") closed: " + status);
		}
	}

	/**
	 * Take a frame that arrived on an authenticated link.
	 * @param link the link
	 * @param envelope the frame
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String receive(PeerLink link, Envelope envelope) {
		if (envelope.isHandshake() || !link.peerId().equals(envelope.origin())) {
			return "Unexpected " + envelope.type() + " frame from " + envelope.origin();
		}
		PeerChannel channel = this.peers.get(link.peerId());
		if (channel == null) {
			// The peer left or expired while this frame was on its way
			return null;
		}
		if (Envelope.HEARTBEAT.equals(envelope.type())) {
			if (envelope.ack() != null) {
				channel.acknowledged(envelope.ack());
			}
			this.peers.heartbeat(channel, envelope.ping(), envelope.pong());
			return null;
		}
		if (!envelope.isData()) {
			// Rejected before it takes a sequence number, so that it is never acknowledged
			return "Unknown frame type " + envelope.type();
		}
		Long sequence = envelope.s();
		if (sequence == null) {
			return "Data frame " + envelope.type() + " without a sequence number";
		}
		if (!channel.receive(link, sequence, () -> deliver(link, envelope))) {
			return "Frame " + sequence + " out of order on " + link;
		}
		return null;
	}

	private void deliver(PeerLink link, Envelope envelope) {
		String peerId = link.peerId();
		switch (envelope.type()) {
			case Envelope.LEAVE -> {
				String name = this.members.left(peerId);
				this.peers.leave(peerId);
				this.rpc.peerLeft(peerId);
				logger.info("Member " + ((name != null) ? name : peerId) + " left the cluster");
				if (this.directory != null) {
					this.directory.left(peerId);
				}
				if (this.stomp != null) {
					this.stomp.left(peerId);
				}
				this.messaging.peerLeft(peerId);
			}
			case Envelope.MEMBERS -> {
				if (envelope.payload() != null) {
					this.members.receiveGossip(peerId, envelope.payload(), this.peers::isUp).forEach(this.peers::remove);
				}
			}
			case Envelope.DIRECTORY -> {
				String violation = (this.directory != null) ? this.directory.receive(peerId, envelope.payload()) : null;
				if (violation != null) {
					logger.warn("Closing the link with " + link.peerName() + ": " + violation);
					link.close(CloseStatus.POLICY_VIOLATION.withReason("Bad directory frame"));
				}
			}
			case Envelope.RPC -> this.rpc.onRequest(link, envelope);
			case Envelope.RPC_REPLY -> this.rpc.onReply(link, envelope);
			case Envelope.MESSAGE -> {
				if (this.messages != null) {
					this.messages.receive(peerId, envelope.target(), envelope.payload());
				}
			}
			case Envelope.STOMP, Envelope.STOMP_INTEREST, Envelope.STOMP_USERS -> {
				String violation = (this.stomp != null) ? this.stomp.receive(peerId, envelope) : null;
				if (violation != null) {
					logger.warn("Closing the link with " + link.peerName() + ": " + violation);
					link.close(CloseStatus.POLICY_VIOLATION.withReason("Bad STOMP frame"));
				}
			}
			default -> this.messaging.onEnvelope(link, envelope);
		}
	}

}

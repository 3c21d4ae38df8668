package io.socketbox.spring.internal.cluster;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * Carries what a node's STOMP broker shares with its peers over the numbered peer
 * channels: the messages for a peer's subscribers ({@code stomp} frames, numbered once and
 * queued for each interested peer) and the changes and snapshots of the destinations this
 * node's clients subscribe to ({@code stomp-sub} frames). Frames from peers are handed to
 * the bound {@link Listener} in the order each peer sent them; before one is bound (a node
 * without a STOMP broker) they are ignored.
 */
public final class StompPeerLinks {

	/** Room for the envelope around a payload and for escaping it in a JSON string. */
	private static final int PAYLOAD_OVERHEAD = 512;

	private final String localNodeId;

	private final ClusterMessaging messaging;

	private final Peers peers;

	private final int maxPayloadSize;

	private volatile @Nullable Listener listener;

	StompPeerLinks(String localNodeId, ClusterMessaging messaging, Peers peers, int maxFrameSize) {
		this.localNodeId = localNodeId;
		this.messaging = messaging;
		this.peers = peers;
		// A payload is JSON inside a JSON string: each character may take two when escaped
		this.maxPayloadSize = Math.max(PAYLOAD_OVERHEAD, (maxFrameSize - PAYLOAD_OVERHEAD) / 2);
	}

	/**
	 * Bind the broker side; frames from peers reach it from then on.
	 * @param listener the listener
	 */
	public void bind(Listener listener) {
		this.listener = listener;
	}

	/**
	 * Return the size that a subscription frame's payload should stay within so that its
	 * frame fits the peer links.
	 * @return the size in characters
	 */
	public int maxInterestPayloadSize() {
		return this.maxPayloadSize;
	}

	/**
	 * Number a subscription change and queue it for every peer, in the order of the
	 * calls.
	 * @param payload the change
	 */
	public void replicateInterest(String payload) {
		this.messaging.replicate(Envelope.stompInterest(this.localNodeId, payload));
	}

	/**
	 * Number a subscription snapshot part and queue it for one peer.
	 * @param peerId the peer
	 * @param payload the snapshot part
	 * @return whether it was queued
	 */
	public boolean sendInterest(String peerId, String payload) {
		return this.messaging.replicateTo(peerId, Envelope.stompInterest(this.localNodeId, payload));
	}

	/**
	 * Number a change of this node's STOMP users and sessions and queue it for every
	 * peer, in the order of the calls.
	 * @param payload the change
	 */
	public void replicateUsers(String payload) {
		this.messaging.replicate(Envelope.stompUsers(this.localNodeId, payload));
	}

	/**
	 * Number a snapshot part of this node's STOMP users and sessions and queue it for one
	 * peer.
	 * @param peerId the peer
	 * @param payload the snapshot part
	 * @return whether it was queued
	 */
	public boolean sendUsers(String peerId, String payload) {
		return this.messaging.replicateTo(peerId, Envelope.stompUsers(this.localNodeId, payload));
	}

	/**
	 * Number a message for the brokers of some peers once and queue it for each, as a
	 * broadcast is: a peer whose link is down gets it when the link comes back within the
	 * resend window; after that it is counted as dropped.
	 * @param peerIds the peers
	 * @param destination the destination
	 * @param payload the message, encoded
	 * @return how many of the peers took it
	 */
	public int forward(Collection<String> peerIds, String destination, String payload) {
		return this.messaging.queueForEach(peerIds, Envelope.stomp(this.localNodeId, destination, payload));
	}

	/**
	 * Whether this node still has a channel for a peer, up or waiting for its link to
	 * come back.
	 * @param peerId the peer
	 * @return whether frames for it may still arrive
	 */
	public boolean isKnown(String peerId) {
		return this.peers.get(peerId) != null;
	}

	void linkUp(String peerId) {
		Listener listener = this.listener;
		if (listener != null) {
			listener.linkUp(peerId);
		}
	}

	void left(String peerId) {
		Listener listener = this.listener;
		if (listener != null) {
			listener.left(peerId);
		}
	}

	/**
	 * Hand a frame that a peer sent to the listener, in the order it sent it.
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String receive(String peerId, Envelope envelope) {
		Listener listener = this.listener;
		if (listener == null) {
			return null;
		}
		if (Envelope.STOMP.equals(envelope.type())) {
			return listener.receiveMessage(peerId, envelope.target(), envelope.payload());
		}
		if (Envelope.STOMP_USERS.equals(envelope.type())) {
			return listener.receiveUsers(peerId, envelope.payload());
		}
		return listener.receiveInterest(peerId, envelope.payload());
	}

	/**
	 * The broker side: what a node's STOMP broker does with the frames of its peers. Runs
	 * on the threads that read the links.
	 */
	public interface Listener {

		/**
		 * A link with a peer has just come up: send it a snapshot of this node's
		 * subscriptions.
		 * @param peerId the peer
		 */
		void linkUp(String peerId);

		/**
		 * A peer left the cluster: forget its subscriptions.
		 * @param peerId the peer
		 */
		void left(String peerId);

		/**
		 * Apply a subscription change or snapshot part of a peer.
		 * @param peerId the peer
		 * @param payload the frame's payload
		 * @return why the link must be closed, or {@code null}
		 */
		@Nullable String receiveInterest(String peerId, @Nullable String payload);

		/**
		 * Deliver a message that a peer forwarded to this node's subscribers.
		 * @param peerId the peer
		 * @param destination the destination
		 * @param payload the message, encoded
		 * @return why the link must be closed, or {@code null}
		 */
		@Nullable String receiveMessage(String peerId, @Nullable String destination, @Nullable String payload);

		/**
		 * Apply a change or snapshot part of a peer's STOMP users and sessions.
		 * @param peerId the peer
		 * @param payload the frame's payload
		 * @return why the link must be closed, or {@code null}
		 */
		@Nullable String receiveUsers(String peerId, @Nullable String payload);

	}

}

package io.socketbox.spring.internal.cluster;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterMessageTooLargeException;
import io.socketbox.spring.ClusterMessages;

import org.springframework.util.Assert;

/**
 * {@link ClusterMessages} that queue each message as one {@code msg} data frame on the
 * peers' {@link PeerChannel channels}, numbered in the same sequence as broadcasts, so
 * that the channels resend it after a link loss and deliver it once and in order. On a
 * node that runs alone there are no channels: messages are encoded and checked, and
 * reach nobody.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class DefaultClusterMessages implements ClusterMessages {

	private final String localNodeId;

	private final ClusterMessageCodec codec;

	private final @Nullable ClusterMessaging messaging;

	/**
	 * Create the messages of a node.
	 * @param localNodeId the id of this node
	 * @param codec writes messages
	 * @param messaging numbers frames and queues them for peers, or {@code null} on a
	 * node that runs alone
	 */
	public DefaultClusterMessages(String localNodeId, ClusterMessageCodec codec,
			@Nullable ClusterMessaging messaging) {
		this.localNodeId = localNodeId;
		this.codec = codec;
		this.messaging = messaging;
	}

	@Override
	public Set<String> publish(Object message) {
		ClusterMessageCodec.Encoded encoded = this.codec.write(message);
		if (this.messaging == null) {
			return Set.of();
		}
		try {
			return this.messaging.queueForAll(frame(encoded));
		}
		catch (ClusterMessaging.UnsendableFrameException ex) {
			throw tooLarge(encoded, ex);
		}
	}

	@Override
	public boolean publish(String nodeId, Object message) {
		Assert.notNull(nodeId, "'nodeId' must not be null");
		ClusterMessageCodec.Encoded encoded = this.codec.write(message);
		if (this.messaging == null || this.localNodeId.equals(nodeId)) {
			return false;
		}
		try {
			return this.messaging.queueFor(nodeId, frame(encoded));
		}
		catch (ClusterMessaging.UnsendableFrameException ex) {
			throw tooLarge(encoded, ex);
		}
	}

	private Envelope frame(ClusterMessageCodec.Encoded encoded) {
		return Envelope.message(this.localNodeId, encoded.type(), encoded.json());
	}

	private static ClusterMessageTooLargeException tooLarge(ClusterMessageCodec.Encoded encoded,
			ClusterMessaging.UnsendableFrameException ex) {
		return new ClusterMessageTooLargeException(
				"Cluster message of type " + encoded.type() + " too large: " + ex.getMessage());
	}

}

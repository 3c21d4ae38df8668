package io.socketbox.spring;

import java.util.Set;

/**
 * Publishes application messages to the other nodes of the cluster, where
 * {@link ClusterMessageListener} methods receive them: "invalidate cache X", "the
 * configuration changed".
 * <p>
 * A message is written as JSON with the application's {@code JsonMapper} and travels
 * with its type name, the name of its class. It is queued on the peer links the way a
 * broadcast is, so it has the same guarantees: each node that receives it gets it once,
 * and the messages of one sender arrive in the order they were published, even across a
 * link that breaks and comes back within {@code socketbox.cluster.resend-window}. A link
 * down for longer than that loses what was queued for it, counted as dropped messages
 * with a {@link MessagesDroppedEvent}, as for broadcasts. This node's own listeners never
 * receive what it publishes.
 * <p>
 * Publishing never waits for the network: it encodes the message and queues it. On a
 * node that runs alone, there is nobody to publish to, but the message is still encoded
 * and its size checked, so that a message that works alone does not fail only in a
 * cluster.
 */
public interface ClusterMessages {

	/**
	 * Publish a message to every other node of the cluster.
	 * @param message the message, written as JSON
	 * @return the ids of the nodes it was queued for: those linked to this node, or whose
	 * link has been down for less than the resend window; empty on a node that runs
	 * alone
	 * @throws ClusterMessageTooLargeException if the message is larger than a peer frame
	 * ({@code socketbox.cluster.max-frame-size}); nothing was sent, and the links go on
	 * @throws IllegalArgumentException if the message is {@code null} or cannot be
	 * written as JSON
	 */
	Set<String> publish(Object message);

	/**
	 * Publish a message to one other node.
	 * @param nodeId the id of the node, as in {@link ClusterMember#id()}
	 * @param message the message, written as JSON
	 * @return {@code true} if it was queued for that node, {@code false} if this node has
	 * no link to it: an unknown node, one that left, one whose link has been down for
	 * longer than the resend window, or this node itself
	 * @throws ClusterMessageTooLargeException if the message is larger than a peer frame;
	 * nothing was sent, and the links go on
	 * @throws IllegalArgumentException if the node id or the message is {@code null}, or
	 * the message cannot be written as JSON
	 */
	boolean publish(String nodeId, Object message);

}

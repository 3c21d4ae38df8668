package io.socketbox.spring;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/**
 * Sends messages to WebSocket connections anywhere in the cluster. Inject it into any
 * bean: a scheduled task, a controller or a listener. Payloads that are not
 * {@link String Strings} are written as JSON.
 * <p>
 * In cluster mode the implementation is the internal {@code ClusterMessaging}: a
 * broadcast leaves the node in its {@code broadcast} method, numbered once and queued on
 * the channel of every peer. A single node uses {@code SingleNodeMessaging}. The path of
 * each kind of message is drawn in {@code docs/architecture.md}.
 */
public interface SocketBoxMessaging {

	/**
	 * Send a message to every connection of every node in the cluster, once each.
	 * @param payload the message
	 */
	void broadcast(Object payload);

	/**
	 * Send a message to one connection, wherever in the cluster it is.
	 * @param connectionId the id of the connection
	 * @param payload the message
	 * @return the outcome; never completed exceptionally
	 */
	CompletableFuture<SendResult> send(String connectionId, Object payload);

	/**
	 * Send a message to a connection of this node.
	 * @param connection the connection
	 * @param payload the message
	 * @return {@link SendResult#DELIVERED}, or {@link SendResult#UNKNOWN_CONNECTION}
	 * when the connection has closed
	 */
	CompletableFuture<SendResult> send(SocketBoxConnection connection, Object payload);

	/**
	 * Send a message to every connection of a user, on every node.
	 * @param user the name of the user's {@link java.security.Principal}
	 * @param payload the message
	 * @return the number of connections that received the message, from the nodes that
	 * answered in time
	 */
	CompletableFuture<Integer> sendToUser(String user, Object payload);

	/**
	 * Return the open connections of this node.
	 * @return the local connections
	 */
	Collection<SocketBoxConnection> getLocalConnections();

	/**
	 * Return the figures of this node: its open connections, and the messages and
	 * clients it gave up on since it started.
	 * @return the figures as they are now
	 */
	SocketBoxStatistics getStatistics();

	/**
	 * Return how many messages this node sent and received since it started, by kind.
	 * The default counts none.
	 * @return the counts as they are now
	 */
	default SocketBoxMessageCounts getMessageCounts() {
		return SocketBoxMessageCounts.NONE;
	}

}

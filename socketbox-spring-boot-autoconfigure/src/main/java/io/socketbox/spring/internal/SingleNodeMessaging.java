package io.socketbox.spring.internal;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxMessageCounts;
import io.socketbox.spring.SocketBoxStatistics;

/**
 * The {@link SocketBoxMessaging} of a node that runs alone: every connection is one of
 * its {@link LocalConnections}, so a message is delivered at once or to nobody.
 * <p>
 * Internal to SocketBox, public for the auto-configuration; applications inject
 * {@link SocketBoxMessaging}.
 */
public final class SingleNodeMessaging implements SocketBoxMessaging {

	private final LocalConnections connections;

	private final Function<Object, String> payloadWriter;

	private final MessageCounter counter = new MessageCounter();

	/**
	 * Create messaging for a single node.
	 * @param connections the connections of this node
	 * @param payloadWriter writes payloads that are not strings
	 */
	public SingleNodeMessaging(LocalConnections connections, Function<Object, String> payloadWriter) {
		this.connections = connections;
		this.payloadWriter = payloadWriter;
	}

	@Override
	public void broadcast(Object payload) {
		this.counter.broadcastSent();
		this.connections.broadcast(toMessage(payload));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A connection id begins with the id of the node that holds the connection, which is
	 * new on every start: the id of another node's connection, or of one from an earlier
	 * start of this node, names no local connection and gives
	 * {@link SendResult#UNKNOWN_CONNECTION}.
	 */
	@Override
	public CompletableFuture<SendResult> send(String connectionId, Object payload) {
		this.counter.directSent();
		return result(this.connections.send(connectionId, toMessage(payload)));
	}

	@Override
	public CompletableFuture<SendResult> send(SocketBoxConnection connection, Object payload) {
		return result(this.connections.send(connection, toMessage(payload)));
	}

	@Override
	public CompletableFuture<Integer> sendToUser(String user, Object payload) {
		this.counter.userSent();
		return CompletableFuture.completedFuture(this.connections.sendToUser(user, toMessage(payload)));
	}

	@Override
	public Collection<SocketBoxConnection> getLocalConnections() {
		return this.connections.getAll();
	}

	@Override
	public SocketBoxStatistics getStatistics() {
		return this.connections.statistics(0);
	}

	@Override
	public SocketBoxMessageCounts getMessageCounts() {
		return this.counter.counts();
	}

	private OutboundText toMessage(Object payload) {
		return OutboundText.ofPayload(payload, this.payloadWriter);
	}

	private static CompletableFuture<SendResult> result(boolean delivered) {
		return CompletableFuture.completedFuture(delivered ? SendResult.DELIVERED : SendResult.UNKNOWN_CONNECTION);
	}

}

package io.socketbox.spring.internal;

import io.socketbox.spring.SocketBoxConnection;

/**
 * What {@link LocalConnections} keeps under a connection id: a plain
 * {@link LocalConnection}, or a {@link SessionConnection} that outlives its connections.
 */
sealed interface Recipient extends SocketBoxConnection permits LocalConnection, SessionConnection, ProxySession {

	/**
	 * Queue a message at once, even before {@code onConnect} has returned.
	 * @param message the message
	 * @return whether it was taken
	 */
	boolean send(OutboundText message);

	/**
	 * Queue a message from elsewhere, held until {@code onConnect} has returned.
	 * @param message the message
	 * @return whether it was taken
	 */
	boolean deliver(OutboundText message);

	/**
	 * Queue a broadcast.
	 * @param broadcast the broadcast in both its forms
	 * @return whether it was taken
	 */
	boolean deliver(Broadcast broadcast);

	/**
	 * Mark the recipient open after {@code onConnect}: what was held follows.
	 */
	void open();

	/**
	 * Cut off the connection if its client has not answered a ping in time.
	 */
	void checkReadLiveness();

	/**
	 * A broadcast as plain connections get it, and as sessions do.
	 *
	 * @param plain the message
	 * @param framed its {@code b} frame
	 */
	record Broadcast(OutboundText plain, OutboundText framed) {

	}

}

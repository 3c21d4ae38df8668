package io.socketbox.spring;

/**
 * The outcome of sending a message to one connection.
 */
public enum SendResult {

	/**
	 * The message was handed to the connection on the node that holds it.
	 */
	DELIVERED,

	/**
	 * No open connection has that id: it closed, or never existed.
	 */
	UNKNOWN_CONNECTION,

	/**
	 * The node that holds the connection is not linked to this one, or became
	 * unreachable before it confirmed delivery (the message may then have reached the
	 * connection).
	 */
	NODE_UNREACHABLE,

	/**
	 * The node that holds the connection did not confirm delivery in time.
	 */
	TIMED_OUT,

	/**
	 * The message could not be sent to the node that holds the connection: on the link
	 * it would be larger than {@code socketbox.cluster.max-frame-size}, or it could not
	 * be encoded. It was dropped, counted and logged.
	 */
	UNSENDABLE;

	/**
	 * Whether the message was delivered.
	 * @return {@code true} for {@link #DELIVERED}
	 */
	public boolean isDelivered() {
		return this == DELIVERED;
	}

}

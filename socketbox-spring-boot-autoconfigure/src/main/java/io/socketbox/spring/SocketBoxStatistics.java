package io.socketbox.spring;

/**
 * Figures of this node since it started, from {@link SocketBoxMessaging#getStatistics()}.
 *
 * @param localConnections the browser connections open on this node
 * @param droppedMessages messages for other nodes dropped because a link stayed down for
 * longer than the resend window or a resend buffer was full; always 0 on a single node
 * @param slowClientsClosed browsers cut off because they did not read fast enough: a
 * write took longer than {@code socketbox.send-time-limit}, or more than
 * {@code socketbox.send-buffer-size-limit} waited for them
 * @param failedClientsClosed browsers cut off because a write to them failed
 * @param tooBigClientsClosed browser connections closed with {@code 1009} (message too
 * big), such as those that sent more than {@code socketbox.max-text-message-size}
 * @param protocolErrorClientsClosed browser connections closed with {@code 1002}
 * (protocol error), {@code 1003} (not acceptable, such as a binary message) or
 * {@code 1007} (bad data)
 */
public record SocketBoxStatistics(int localConnections, long droppedMessages, long slowClientsClosed,
		long failedClientsClosed, long tooBigClientsClosed, long protocolErrorClientsClosed) {

	/**
	 * Figures without closes for a message too big or a protocol error.
	 * @param localConnections the browser connections open on this node
	 * @param droppedMessages messages for other nodes dropped
	 * @param slowClientsClosed browsers cut off because they did not read fast enough
	 * @param failedClientsClosed browsers cut off because a write to them failed
	 */
	public SocketBoxStatistics(int localConnections, long droppedMessages, long slowClientsClosed,
			long failedClientsClosed) {
		this(localConnections, droppedMessages, slowClientsClosed, failedClientsClosed, 0, 0);
	}

}

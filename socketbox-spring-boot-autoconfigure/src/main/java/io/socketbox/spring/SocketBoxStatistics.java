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
 */
public record SocketBoxStatistics(int localConnections, long droppedMessages, long slowClientsClosed,
		long failedClientsClosed) {

}

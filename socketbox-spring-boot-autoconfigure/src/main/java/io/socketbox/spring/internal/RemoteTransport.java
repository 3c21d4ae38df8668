package io.socketbox.spring.internal;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * The connection of a session's client to another node: frames go there through the
 * {@link SessionRouter}, in order, and that node writes them to the client.
 *
 * @param nodeId the node the client is connected to
 * @param sessionId the session
 * @param router the way to that node
 */
record RemoteTransport(String nodeId, String sessionId, SessionRouter router) implements Transport {

	@Override
	public boolean send(OutboundText frame) {
		this.router.relay(this.nodeId, this.sessionId, frame);
		return true;
	}

	@Override
	public boolean deliver(OutboundText frame) {
		return send(frame);
	}

	@Override
	public void open() {
	}

	@Override
	public void close(CloseStatus status) {
		this.router.close(this.nodeId, this.sessionId, status);
	}

	@Override
	public void checkReadLiveness() {
		// The node the client is connected to checks it
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return null;
	}

}

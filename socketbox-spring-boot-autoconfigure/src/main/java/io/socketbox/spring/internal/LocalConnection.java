package io.socketbox.spring.internal;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A {@link io.socketbox.spring.SocketBoxConnection} of this node: a browser's WebSocket
 * session and its {@link ConnectionOutbox outbound queue}; for a client with a session,
 * the connection it has now.
 */
final class LocalConnection implements Recipient, Transport {

	private final String id;

	private final WebSocketSession session;

	private final ConnectionOutbox outbox;

	LocalConnection(String id, WebSocketSession session, TextSender sender, Executor writers,
			ConnectionOutbox.Limits limits, ConnectionOutbox.Listener listener) {
		this.id = id;
		this.session = session;
		this.outbox = new ConnectionOutbox(this, sender, writers, limits, listener);
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.session.getPrincipal();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.session.getAttributes();
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.session.getRemoteAddress();
	}

	@Override
	public boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public void close(CloseStatus status) {
		this.outbox.close(status);
	}

	WebSocketSession session() {
		return this.session;
	}

	ConnectionOutbox outbox() {
		return this.outbox;
	}

	@Override
	public boolean send(OutboundText message) {
		return this.outbox.send(message);
	}

	/**
	 * Queue a message from elsewhere in the cluster: held until {@link #open()}, so that
	 * what {@code onConnect} sends arrives first.
	 */
	@Override
	public boolean deliver(OutboundText message) {
		return this.outbox.deliver(message);
	}

	@Override
	public boolean deliver(Broadcast broadcast) {
		return this.outbox.deliver(broadcast.plain());
	}

	/**
	 * Mark the connection open, after {@code onConnect}: what was held follows, in order.
	 */
	@Override
	public void open() {
		this.outbox.open();
	}

	@Override
	public void checkReadLiveness() {
		this.outbox.checkReadLiveness();
	}

	/**
	 * Forget what is queued, after the connection has closed.
	 */
	void discard() {
		this.outbox.discard();
	}

	@Override
	public String toString() {
		return "SocketBoxConnection[" + this.id + "]";
	}

}

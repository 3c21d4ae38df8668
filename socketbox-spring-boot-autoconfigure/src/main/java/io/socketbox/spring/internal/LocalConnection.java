package io.socketbox.spring.internal;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.SocketBoxConnection;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A {@link SocketBoxConnection} of this node: a browser's session and its
 * {@link ConnectionOutbox outbound queue}.
 */
final class LocalConnection implements SocketBoxConnection {

	private final String id;

	private final WebSocketSession session;

	private final ConnectionOutbox outbox;

	LocalConnection(String id, WebSocketSession session, TextSender sender, ConnectionOutbox.Limits limits,
			ConnectionOutbox.Listener listener) {
		this.id = id;
		this.session = session;
		this.outbox = new ConnectionOutbox(this, sender, limits, listener);
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

	/**
	 * Queue a message at once, even before {@code onConnect} has returned.
	 */
	boolean send(OutboundText message) {
		return this.outbox.send(message);
	}

	/**
	 * Queue a message from elsewhere in the cluster: held until {@link #open()}, so that
	 * what {@code onConnect} sends arrives first.
	 */
	boolean deliver(OutboundText message) {
		return this.outbox.deliver(message);
	}

	/**
	 * Mark the connection open, after {@code onConnect}: what was held follows, in order.
	 */
	void open() {
		this.outbox.open();
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

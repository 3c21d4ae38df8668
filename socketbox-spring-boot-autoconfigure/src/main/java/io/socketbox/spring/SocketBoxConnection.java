package io.socketbox.spring;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A browser's WebSocket connection to this node. Its {@link #getId() id} is unique in
 * the cluster and names the node that holds the connection, so that any node can route
 * a message to it. Messages to it go through its own bounded outbound queue, so that a
 * client that reads slowly is cut off instead of holding up anyone else.
 */
public final class SocketBoxConnection {

	private final String id;

	private final WebSocketSession session;

	private final ConnectionOutbox outbox;

	SocketBoxConnection(String id, WebSocketSession session, TextSender sender, ConnectionOutbox.Limits limits,
			ConnectionOutbox.Listener listener) {
		this.id = id;
		this.session = session;
		this.outbox = new ConnectionOutbox(this, sender, limits, listener);
	}

	/**
	 * Return the cluster-unique id of this connection.
	 * @return the connection id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Return the user authenticated during the handshake.
	 * @return the principal, or {@code null} for an anonymous connection
	 */
	public @Nullable Principal getPrincipal() {
		return this.session.getPrincipal();
	}

	/**
	 * Return the attributes that handshake interceptors stored for this connection.
	 * @return the mutable attributes
	 */
	public Map<String, Object> getAttributes() {
		return this.session.getAttributes();
	}

	/**
	 * Return the address of the client.
	 * @return the remote address, or {@code null} when unknown
	 */
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.session.getRemoteAddress();
	}

	/**
	 * Whether the connection is open.
	 * @return {@code true} when messages can still be sent
	 */
	public boolean isOpen() {
		return this.session.isOpen();
	}

	/**
	 * Close the connection once the messages queued for it have been written.
	 * @param status the close status to send to the client
	 */
	public void close(CloseStatus status) {
		this.outbox.close(status);
	}

	WebSocketSession session() {
		return this.session;
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

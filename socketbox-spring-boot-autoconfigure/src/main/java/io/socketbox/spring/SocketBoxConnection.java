package io.socketbox.spring;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A browser's WebSocket connection to this node. Its {@link #getId() id} is unique in
 * the cluster and names the node that holds the connection, so that any node can route
 * a message to it.
 */
public final class SocketBoxConnection {

	private final String id;

	private final WebSocketSession session;

	private final Object openLock = new Object();

	private final List<TextMessage> heldUntilOpen = new ArrayList<>();

	private volatile boolean open;

	SocketBoxConnection(String id, WebSocketSession session) {
		this.id = id;
		this.session = session;
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
	 * Close the connection.
	 * @param status the close status to send to the client
	 */
	public void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException ex) {
			// The transport is already gone: nothing left to close
		}
	}

	void send(TextMessage message) throws IOException {
		this.session.sendMessage(message);
	}

	/**
	 * Send a message from elsewhere in the cluster: at once when the connection is open,
	 * else after {@link #open()}, so that what {@code onConnect} sends arrives first.
	 */
	void deliver(TextMessage message) throws IOException {
		if (!this.open) {
			synchronized (this.openLock) {
				if (!this.open) {
					this.heldUntilOpen.add(message);
					return;
				}
			}
		}
		send(message);
	}

	/**
	 * Mark the connection open, after {@code onConnect}: send what was held, in order.
	 */
	void open() throws IOException {
		synchronized (this.openLock) {
			try {
				for (TextMessage message : this.heldUntilOpen) {
					send(message);
				}
			}
			finally {
				this.heldUntilOpen.clear();
				this.open = true;
			}
		}
	}

	@Override
	public String toString() {
		return "SocketBoxConnection[" + this.id + "]";
	}

}

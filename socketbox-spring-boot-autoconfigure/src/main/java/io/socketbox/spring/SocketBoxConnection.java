package io.socketbox.spring;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * A browser's WebSocket connection to this node. Its {@link #getId() id} is unique in
 * the cluster and names the node that holds the connection, so that any node can route
 * a message to it. Messages to it go through its own bounded outbound queue, so that a
 * client that reads slowly is cut off instead of holding up anyone else.
 */
public interface SocketBoxConnection {

	/**
	 * Return the cluster-unique id of this connection.
	 * @return the connection id
	 */
	String getId();

	/**
	 * Return the user authenticated during the handshake.
	 * @return the principal, or {@code null} for an anonymous connection
	 */
	@Nullable Principal getPrincipal();

	/**
	 * Return the attributes that handshake interceptors stored for this connection.
	 * @return the mutable attributes
	 */
	Map<String, Object> getAttributes();

	/**
	 * Return the address of the client.
	 * @return the remote address, or {@code null} when unknown
	 */
	@Nullable InetSocketAddress getRemoteAddress();

	/**
	 * Whether the connection is open.
	 * @return {@code true} when messages can still be sent
	 */
	boolean isOpen();

	/**
	 * Close the connection once the messages queued for it have been written.
	 * @param status the close status to send to the client
	 */
	void close(CloseStatus status);

}

package io.socketbox.spring;

import java.io.IOException;
import java.security.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.handler.SessionLimitExceededException;

/**
 * The open connections of this node, by id. Delivers messages to them and cuts off a
 * connection that exceeds its send-time or buffer limit, so that a slow client never
 * stalls the others.
 */
public final class LocalConnections {

	private static final Log logger = LogFactory.getLog(LocalConnections.class);

	private final Map<String, SocketBoxConnection> connections = new ConcurrentHashMap<>();

	private final Collection<SocketBoxConnection> view = Collections.unmodifiableCollection(this.connections.values());

	void add(SocketBoxConnection connection) {
		this.connections.put(connection.getId(), connection);
	}

	boolean remove(SocketBoxConnection connection) {
		return this.connections.remove(connection.getId(), connection);
	}

	/**
	 * Return the open connections.
	 * @return an unmodifiable live view
	 */
	public Collection<SocketBoxConnection> getAll() {
		return this.view;
	}

	/**
	 * Return the number of open connections.
	 * @return the count
	 */
	public int size() {
		return this.connections.size();
	}

	/**
	 * Return the connection with the given id.
	 * @param id the connection id
	 * @return the connection, or {@code null} when this node holds none with that id
	 */
	public @Nullable SocketBoxConnection get(String id) {
		return this.connections.get(id);
	}

	/**
	 * Send a message to one connection of this node.
	 * @param id the connection id
	 * @param message the message
	 * @return whether the connection exists and took the message
	 */
	public boolean send(String id, TextMessage message) {
		SocketBoxConnection connection = this.connections.get(id);
		return connection != null && deliver(connection, message);
	}

	/**
	 * Send a message to a connection of this node at once, registered or not; what
	 * {@code onConnect} sends goes this way.
	 * @param connection the connection
	 * @param message the message
	 * @return whether the connection took it
	 */
	public boolean send(SocketBoxConnection connection, TextMessage message) {
		return write(connection, () -> connection.send(message));
	}

	/**
	 * Mark a connection open after {@code onConnect}, sending what was held for it.
	 * @param connection the connection
	 */
	void open(SocketBoxConnection connection) {
		write(connection, connection::open);
	}

	private boolean deliver(SocketBoxConnection connection, TextMessage message) {
		return write(connection, () -> connection.deliver(message));
	}

	private boolean write(SocketBoxConnection connection, Write write) {
		try {
			write.run();
			return true;
		}
		catch (SessionLimitExceededException ex) {
			logger.info("Closing " + connection + ": " + ex.getMessage());
			remove(connection);
			connection.close(CloseStatus.SESSION_NOT_RELIABLE);
			return false;
		}
		catch (IOException | IllegalStateException ex) {
			// A failed or timed-out write leaves the connection unusable
			if (logger.isDebugEnabled()) {
				logger.debug("Closing " + connection + " after a failed send: " + ex.getMessage());
			}
			remove(connection);
			connection.close(CloseStatus.SESSION_NOT_RELIABLE);
			return false;
		}
	}

	/**
	 * Send a message to every connection of this node.
	 * @param message the message
	 * @return the number of connections that took it
	 */
	public int broadcast(TextMessage message) {
		int count = 0;
		for (SocketBoxConnection connection : this.connections.values()) {
			if (deliver(connection, message)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Send a message to every connection of this node whose principal has the given
	 * name.
	 * @param user the principal name
	 * @param message the message
	 * @return the number of connections that took it
	 */
	public int sendToUser(String user, TextMessage message) {
		int count = 0;
		for (SocketBoxConnection connection : this.connections.values()) {
			Principal principal = connection.getPrincipal();
			if (principal != null && user.equals(principal.getName()) && deliver(connection, message)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Close every connection.
	 * @param status the close status
	 */
	public void closeAll(CloseStatus status) {
		for (SocketBoxConnection connection : this.connections.values()) {
			connection.close(status);
		}
	}

	@FunctionalInterface
	private interface Write {

		void run() throws IOException;

	}

}

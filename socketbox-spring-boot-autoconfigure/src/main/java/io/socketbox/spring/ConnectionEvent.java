package io.socketbox.spring;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the presence events that every node publishes for every connection in
 * the cluster.
 *
 * @see ConnectionOpenedEvent
 * @see ConnectionClosedEvent
 */
public abstract class ConnectionEvent extends ApplicationEvent {

	private final ClusterConnection connection;

	private final boolean local;

	/**
	 * Create an event.
	 * @param source the directory that publishes it
	 * @param connection the connection
	 * @param local whether the connection is held by this node
	 */
	protected ConnectionEvent(Object source, ClusterConnection connection, boolean local) {
		super(source);
		this.connection = connection;
		this.local = local;
	}

	/**
	 * Return the connection.
	 * @return the connection
	 */
	public ClusterConnection getConnection() {
		return this.connection;
	}

	/**
	 * Whether the connection is held by the node that publishes the event.
	 * @return {@code true} for a connection of this node
	 */
	public boolean isLocal() {
		return this.local;
	}

}

package io.socketbox.spring;

import org.springframework.context.ApplicationEvent;

/**
 * Published on every node when a connection anywhere in the cluster closes, or when the
 * node that held it is detected down or leaves. Each node publishes it once per
 * connection, after the {@link ConnectionOpenedEvent} of that connection.
 */
public final class ConnectionClosedEvent extends ApplicationEvent {

	private final ClusterConnection connection;

	private final boolean local;

	/**
	 * Create an event.
	 * @param source the directory that publishes it
	 * @param connection the connection
	 * @param local whether the connection is held by this node
	 */
	public ConnectionClosedEvent(Object source, ClusterConnection connection, boolean local) {
		super(source);
		this.connection = connection;
		this.local = local;
	}

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

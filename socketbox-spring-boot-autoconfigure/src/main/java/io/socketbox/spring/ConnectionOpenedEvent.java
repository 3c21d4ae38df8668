package io.socketbox.spring;

import org.springframework.context.ApplicationEvent;

/**
 * Published on every node when a connection anywhere in the cluster opens, or when this
 * node first learns of it. Each node publishes it once per connection, before the
 * {@link ConnectionClosedEvent} of that connection.
 */
public final class ConnectionOpenedEvent extends ApplicationEvent {

	private final ClusterConnection connection;

	private final boolean local;

	/**
	 * Create an event.
	 * @param source the directory that publishes it
	 * @param connection the connection
	 * @param local whether the connection is held by this node
	 */
	public ConnectionOpenedEvent(Object source, ClusterConnection connection, boolean local) {
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

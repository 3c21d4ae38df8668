package io.socketbox.spring;

/**
 * Published on every node when a connection anywhere in the cluster opens, or when this
 * node first learns of it. Each node publishes it once per connection, before the
 * {@link ConnectionClosedEvent} of that connection.
 */
public final class ConnectionOpenedEvent extends ConnectionEvent {

	/**
	 * Create an event.
	 * @param source the directory that publishes it
	 * @param connection the connection
	 * @param local whether the connection is held by this node
	 */
	public ConnectionOpenedEvent(Object source, ClusterConnection connection, boolean local) {
		super(source, connection, local);
	}

}

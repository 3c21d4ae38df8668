package io.socketbox.spring;

/**
 * Published on every node when a connection anywhere in the cluster closes, or when the
 * node that held it is detected down or leaves. Each node publishes it once per
 * connection, after the {@link ConnectionOpenedEvent} of that connection.
 */
public final class ConnectionClosedEvent extends ConnectionEvent {

	/**
	 * Create an event.
	 * @param source the directory that publishes it
	 * @param connection the connection
	 * @param local whether the connection is held by this node
	 */
	public ConnectionClosedEvent(Object source, ClusterConnection connection, boolean local) {
		super(source, connection, local);
	}

}

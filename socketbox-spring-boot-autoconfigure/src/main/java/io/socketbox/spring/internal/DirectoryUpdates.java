package io.socketbox.spring.internal;

import io.socketbox.spring.ClusterConnection;

/**
 * Where the endpoint's handler reports the connections of this node that open and close:
 * the {@link ConnectionDirectory} alone on a single node, the directory and its
 * replication to peers in a cluster.
 * <p>
 * Internal to SocketBox, public for the auto-configuration and the {@code cluster}
 * package.
 */
public interface DirectoryUpdates {

	/**
	 * Does nothing: for handlers built without a directory.
	 */
	DirectoryUpdates NONE = new DirectoryUpdates() {

		@Override
		public void opened(ClusterConnection connection) {
		}

		@Override
		public void closed(String connectionId) {
		}

	};

	/**
	 * Record a connection of this node that opened, after {@code onConnect}.
	 * @param connection the connection
	 * @throws IllegalArgumentException when its published attributes are too large
	 */
	void opened(ClusterConnection connection);

	/**
	 * Record a connection of this node that closed; nothing happens for one that was
	 * never recorded.
	 * @param connectionId the connection id
	 */
	void closed(String connectionId);

}

package io.socketbox.spring.internal;

/**
 * Reads the state of a node's sessions for tests in other packages.
 */
public final class SessionConnectionProbe {

	private SessionConnectionProbe() {
	}

	/**
	 * Return how far a session of this node has handled its client's numbered messages.
	 * @param connections the node's connections
	 * @param sessionId the session
	 * @return the seq of the last one handled, or -1 if this node does not have the
	 * session
	 */
	public static long handled(LocalConnections connections, String sessionId) {
		SessionConnection session = connections.session(sessionId);
		return (session != null) ? session.handled() : -1;
	}

	/**
	 * Return whether a session of this node waits for its client: its last connection
	 * has closed, here or on another node, and nothing sent from now on can reach it.
	 * @param connections the node's connections
	 * @param sessionId the session
	 * @return whether it waits
	 */
	public static boolean isWaiting(LocalConnections connections, String sessionId) {
		SessionConnection session = connections.session(sessionId);
		return session != null && session.current() == null;
	}

	/**
	 * Return how many resumes wait on a node until it knows where the sessions of the
	 * cluster are.
	 * @param handler the node's handler
	 * @return how many
	 */
	public static int resumesWaitingForCluster(SocketBoxWebSocketHandler handler) {
		return handler.sessions().waitingForCluster();
	}

}

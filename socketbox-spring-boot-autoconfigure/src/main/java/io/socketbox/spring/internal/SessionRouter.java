package io.socketbox.spring.internal;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * How a node reaches the sessions of other nodes: the cluster implements it; a single
 * node has {@link #NONE}. A session's messages are numbered and kept by its home node
 * (the node in its id); a client that resumes on another node attaches there, and the
 * home relays the session's frames to it.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package.
 */
public interface SessionRouter {

	/** No other nodes: every session is this node's. */
	SessionRouter NONE = new SessionRouter() {

		@Override
		public @Nullable String homeOf(String sessionId) {
			return null;
		}

		@Override
		public CompletableFuture<Integer> attach(String home, String sessionId, long received) {
			return CompletableFuture.completedFuture(UNKNOWN);
		}

		@Override
		public void detached(String home, String sessionId, boolean ended) {
		}

		@Override
		public void relay(String nodeId, String sessionId, OutboundText frame) {
		}

		@Override
		public void close(String nodeId, String sessionId, CloseStatus status) {
		}

		@Override
		public void handled(String nodeId, String sessionId, long seq) {
		}

		@Override
		public CompletableFuture<?> supersede(String nodeId, String sessionId, CloseStatus status) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public boolean isSettled() {
			return true;
		}

		@Override
		public CompletableFuture<?> whenSettled() {
			return CompletableFuture.completedFuture(null);
		}

	};

	/** The home does not know the session (any more). */
	int UNKNOWN = 0;

	/** Attached: the frames the client missed follow. */
	int ATTACHED = 1;

	/** Attached, but the client missed frames the home no longer keeps. */
	int ATTACHED_WITH_GAP = 2;

	/**
	 * Return the home of a session when it is another node that this node can reach.
	 * @param sessionId the session
	 * @return the home's node id, or {@code null} for this node or a home that is gone
	 */
	@Nullable String homeOf(String sessionId);

	/**
	 * Ask a session's home to relay the session to this node from now on, after the
	 * frames the client missed.
	 * @param home the home
	 * @param sessionId the session
	 * @param received the seq of the last frame the client received
	 * @return {@link #UNKNOWN}, {@link #ATTACHED} or {@link #ATTACHED_WITH_GAP};
	 * {@link #UNKNOWN} too if the home does not answer
	 */
	CompletableFuture<Integer> attach(String home, String sessionId, long received);

	/**
	 * Tell a session's home that the client's connection to this node closed.
	 * @param home the home
	 * @param sessionId the session
	 * @param ended whether the session ends (the client said goodbye, or the application
	 * closed it)
	 */
	void detached(String home, String sessionId, boolean ended);

	/**
	 * Relay a frame of one of this node's sessions to the node its client is connected to.
	 * @param nodeId that node
	 * @param sessionId the session
	 * @param frame the frame
	 */
	void relay(String nodeId, String sessionId, OutboundText frame);

	/**
	 * Close the connection of one of this node's sessions on the node its client is
	 * connected to.
	 * @param nodeId that node
	 * @param sessionId the session
	 * @param status the close status
	 */
	void close(String nodeId, String sessionId, CloseStatus status);

	/**
	 * Tell the other end of a relayed session how far the client's numbered messages have
	 * been handed to the application: the home tells the node the client resumed on where
	 * to start (before its answer to the attach), and that node tells the home how far it
	 * got.
	 * @param nodeId the other node
	 * @param sessionId the session
	 * @param seq the seq of the last message handled
	 */
	void handled(String nodeId, String sessionId, long seq);

	/**
	 * Close the connection of one of this node's sessions on the node its client is
	 * connected to, superseded by a newer connection, and learn how far that node handled
	 * the client's numbered messages.
	 * @param nodeId that node
	 * @param sessionId the session
	 * @param status the close status
	 * @return completed once that node has answered (its {@link #handled} report comes
	 * first), or has not within a time shorter than the reply timeout
	 */
	CompletableFuture<?> supersede(String nodeId, String sessionId, CloseStatus status);

	/**
	 * Return whether this node knows where the sessions of the cluster are: since it
	 * started, it has linked with every member it found and has their directories (a node
	 * that has just started does not know yet, and a session's home may be a peer it is
	 * not linked with yet).
	 */
	boolean isSettled();

	/**
	 * Wait until this node knows where the sessions of the cluster are.
	 * @return completed once it does, or after a bounded time
	 */
	CompletableFuture<?> whenSettled();

	/**
	 * Watch the other nodes from now on: sessions relayed to or handed over from a node
	 * that becomes unreachable stop waiting for it. The default does nothing.
	 */
	default void watch() {
	}

}

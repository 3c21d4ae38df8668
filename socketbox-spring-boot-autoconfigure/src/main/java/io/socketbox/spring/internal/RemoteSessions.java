package io.socketbox.spring.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * What other nodes ask of this node's sessions and of the clients connected here whose
 * session is another node's; see {@link SessionRouter}.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package.
 */
public interface RemoteSessions {

	/** No browser endpoint: no session knows anything. */
	RemoteSessions NONE = new RemoteSessions() {

		@Override
		public void attach(String nodeId, String sessionId, long received, IntConsumer reply) {
			reply.accept(SessionRouter.UNKNOWN);
		}

		@Override
		public void detached(String nodeId, String sessionId, boolean ended) {
		}

		@Override
		public void relayed(String home, String sessionId, String frame) {
		}

		@Override
		public void handled(String nodeId, String sessionId, long seq) {
		}

		@Override
		public void reportHandled() {
		}

		@Override
		public void close(String home, String sessionId, CloseStatus status) {
		}

		@Override
		public void detachFrom(Predicate<String> reachable) {
		}

		@Override
		public void closeOrphans(Predicate<String> reachable) {
		}

		@Override
		public void left(String nodeId) {
		}

		@Override
		public void handOver(BinaryOperator<@Nullable String> heirOf,
				Function<Adoption, CompletableFuture<?>> announce) {
		}

		@Override
		public boolean adopt(String nodeId, Adoption adoption) {
			return false;
		}

	};

	/**
	 * At the home: relay a session to the node its client resumed on, after the frames
	 * the client missed.
	 * @param nodeId that node
	 * @param sessionId the session
	 * @param received the seq of the last frame the client received
	 * @param reply given the answer ({@link SessionRouter#UNKNOWN},
	 * {@link SessionRouter#ATTACHED} or {@link SessionRouter#ATTACHED_WITH_GAP}) before
	 * any frame is relayed
	 */
	void attach(String nodeId, String sessionId, long received, IntConsumer reply);

	/**
	 * At the home: the client's connection to another node closed.
	 * @param nodeId that node
	 * @param sessionId the session
	 * @param ended whether the session ends
	 */
	void detached(String nodeId, String sessionId, boolean ended);

	/**
	 * At the node the client is connected to: a frame its session's home relayed.
	 * @param home the home
	 * @param sessionId the session
	 * @param frame the frame
	 */
	void relayed(String home, String sessionId, String frame);

	/**
	 * How far the client's numbered messages have been handled: at the node the client
	 * resumed on, what its home said before answering the attach; at the home, what the
	 * node the client is connected to reports (a report of any other node is ignored).
	 * @param nodeId the node that says so
	 * @param sessionId the session
	 * @param seq the seq of the last message handled
	 */
	void handled(String nodeId, String sessionId, long seq);

	/**
	 * At the node a client is connected to: tell the home of each session relayed here
	 * how far the client's numbered messages have been handled, if it has not been told.
	 */
	void reportHandled();

	/**
	 * At the node the client is connected to: close the client's connection.
	 * @param home the home
	 * @param sessionId the session
	 * @param status the close status
	 */
	void close(String home, String sessionId, CloseStatus status);

	/**
	 * At the home: sessions whose client is connected to a node that is no longer
	 * reachable wait for their client, as if its connection had closed.
	 * @param reachable whether a node is reachable
	 */
	void detachFrom(Predicate<String> reachable);

	/**
	 * At the node a client is connected to: close the connections of clients whose
	 * session's home is no longer reachable (it crashed, or its link is gone), with 1012,
	 * so that they reconnect, resume, and learn what was lost.
	 * @param reachable whether a node is reachable
	 */
	void closeOrphans(Predicate<String> reachable);

	/**
	 * A node left, or is no longer reachable: sessions handed over from it stop holding
	 * other senders' messages.
	 * @param nodeId the node
	 */
	void left(String nodeId);

	/**
	 * At a node that stops: hand every session of this node to an heir, announce each
	 * move, then close the session's connection here with 1012 (service restart) so that
	 * its client reconnects and resumes, wherever it lands; close the clients here whose
	 * session lives on another node with 1012 too.
	 * @param heirOf given a session id and the node its client is connected to (or
	 * {@code null}), the node to hand it to, or {@code null} to keep it
	 * @param announce queues the adoption for the heir, and the move for every node once
	 * the heir has answered; the client's connection closes once the future it returns
	 * completes (the heir took the session over, or did not answer, and the move was
	 * announced), so that its resume finds the session
	 */
	void handOver(BinaryOperator<@Nullable String> heirOf, Function<Adoption, CompletableFuture<?>> announce);

	/**
	 * At the heir: take over a session another node handed over.
	 * @param nodeId the node that handed it over
	 * @param adoption the session
	 * @return whether this node took it over
	 */
	boolean adopt(String nodeId, Adoption adoption);

	/**
	 * A session handed from one node to another.
	 *
	 * @param sessionId the session
	 * @param user the name of its principal, or {@code null}
	 * @param last the seq of its last message
	 * @param frames the {@code d} frames it kept, oldest first
	 * @param handled the seq of the client's last numbered message handled
	 * @param heir the node that takes it over
	 */
	record Adoption(String sessionId, @Nullable String user, long last, List<String> frames, long handled,
			String heir) {

	}

}

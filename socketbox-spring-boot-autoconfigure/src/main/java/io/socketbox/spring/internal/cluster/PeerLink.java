package io.socketbox.spring.internal.cluster;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.socketbox.spring.internal.Sessions;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * One authenticated WebSocket connection to another node. A peer's
 * {@link PeerChannel} outlives its links: when a link breaks, a new one resumes where
 * the old one stopped.
 */
final class PeerLink {

	private static final Log logger = LogFactory.getLog(PeerLink.class);

	private final String peerId;

	private final String peerName;

	private final WebSocketSession session;

	private volatile long lastReceivedAt = System.nanoTime();

	private volatile boolean closed;

	private long lastSequence;

	/**
	 * Create a link.
	 * @param peerId the id of the other node
	 * @param peerName the name of the other node
	 * @param session the session, safe for sends from several threads
	 */
	PeerLink(String peerId, String peerName, WebSocketSession session) {
		this.peerId = peerId;
		this.peerName = peerName;
		this.session = session;
	}

	String peerId() {
		return this.peerId;
	}

	String peerName() {
		return this.peerName;
	}

	boolean send(TextMessage message) {
		try {
			this.session.sendMessage(message);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				logger.info("Could not send to " + this.peerName + "; closing the link: " + ex);
			}
			close(CloseStatus.SESSION_NOT_RELIABLE);
			return false;
		}
	}

	/**
	 * Close the link. A link that is no longer reliable (silent, or a send failed) is
	 * closed without waiting for the peer's close frame, which may never come: on Jetty
	 * the link would otherwise stay up, and in routing, until the idle timeout.
	 * @param status the status to send
	 */
	void close(CloseStatus status) {
		this.closed = true;
		if (CloseStatus.SESSION_NOT_RELIABLE.equalsCode(status)) {
			Sessions.closeNow(this.session, status);
			return;
		}
		try {
			this.session.close(status);
		}
		catch (IOException ex) {
			// Already gone
		}
	}

	/**
	 * Whether this node has closed the link. The other side may not know yet, and frames
	 * it wrote before it learns are not to be delivered: the sender may already have
	 * given up on them.
	 */
	boolean isClosedHere() {
		return this.closed;
	}

	/**
	 * Record that a frame arrived on this link.
	 */
	void received() {
		this.lastReceivedAt = System.nanoTime();
	}

	long lastReceivedAt() {
		return this.lastReceivedAt;
	}

	/**
	 * Check that a data frame's sequence number follows the previous one on this link.
	 * Called with the channel's receive lock held.
	 */
	boolean advance(long sequence) {
		if (sequence <= this.lastSequence) {
			return false;
		}
		this.lastSequence = sequence;
		return true;
	}

	@Override
	public String toString() {
		return "link to " + this.peerName + " (" + this.peerId + ")";
	}

}

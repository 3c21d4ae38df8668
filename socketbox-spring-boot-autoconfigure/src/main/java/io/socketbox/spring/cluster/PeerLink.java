package io.socketbox.spring.cluster;

import java.io.IOException;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * An authenticated link to another node.
 *
 * @param peerId the id of the other node
 * @param peerName the name of the other node
 * @param session the WebSocket session, safe for sends from several threads
 */
record PeerLink(String peerId, String peerName, WebSocketSession session) {

	boolean send(TextMessage message) {
		try {
			this.session.sendMessage(message);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			close(CloseStatus.SESSION_NOT_RELIABLE);
			return false;
		}
	}

	void close(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException ex) {
			// Already gone
		}
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

}

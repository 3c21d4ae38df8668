package io.socketbox.spring;

import java.io.IOException;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Closes WebSocket sessions without waiting for the other side.
 */
public final class Sessions {

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent("org.apache.tomcat.websocket.WsSession",
			Sessions.class.getClassLoader());

	private Sessions() {
	}

	/**
	 * Close a session and its TCP connection at once: the close frame is sent if it can
	 * be, but the other side's answer is not awaited (Tomcat otherwise keeps the
	 * connection up to 30 seconds for it). Other containers close as usual.
	 * @param session the session
	 * @param status the close status
	 */
	public static void closeNow(WebSocketSession session, CloseStatus status) {
		if (TOMCAT_PRESENT && session instanceof NativeWebSocketSession nativeSession) {
			org.apache.tomcat.websocket.WsSession wsSession = nativeSession
				.getNativeSession(org.apache.tomcat.websocket.WsSession.class);
			if (wsSession != null) {
				jakarta.websocket.CloseReason reason = new jakarta.websocket.CloseReason(
						jakarta.websocket.CloseReason.CloseCodes.getCloseCode(status.getCode()),
						(status.getReason() != null) ? status.getReason() : "");
				try {
					wsSession.doClose(reason, reason, true);
				}
				catch (RuntimeException ex) {
					// Already gone
				}
				return;
			}
		}
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			// Already gone
		}
	}

}

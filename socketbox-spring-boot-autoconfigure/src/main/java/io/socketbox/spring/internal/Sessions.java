package io.socketbox.spring.internal;

import jakarta.websocket.CloseReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.websocket.WsSession;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

/**
 * Closes WebSocket sessions without waiting for the other side to answer.
 * <p>
 * A regular close sends a close frame and keeps the TCP connection until the other side
 * answers with its own; on Tomcat that is up to
 * {@code org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT} (30 seconds by default), and
 * a client that never answers holds the connection and its buffers all that time. On
 * Tomcat, {@link #closeNow} sends the close frame and then closes the connection. Other
 * containers get a regular {@link WebSocketSession#close(CloseStatus)}.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package, which closes peer links
 * with it.
 */
public final class Sessions {

	private static final Log logger = LogFactory.getLog(Sessions.class);

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent("org.apache.tomcat.websocket.WsSession",
			Sessions.class.getClassLoader());

	private Sessions() {
	}

	/**
	 * Send a close frame with the given status and close the connection at once, without
	 * waiting for the other side's close frame. Never throws: a session that is already
	 * closed, or that cannot be closed cleanly, is left as it is.
	 * @param session the session, decorated or not
	 * @param status the status to send
	 */
	public static void closeNow(WebSocketSession session, CloseStatus status) {
		try {
			if (TOMCAT_PRESENT && TomcatSessions.closeNow(WebSocketSessionDecorator.unwrap(session), status)) {
				return;
			}
			session.close(status);
		}
		catch (Exception ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Could not close session " + session.getId() + " with " + status + ": " + ex);
			}
		}
	}

	/**
	 * Kept apart so that Tomcat's classes are only loaded when they are present.
	 */
	private static final class TomcatSessions {

		static boolean closeNow(WebSocketSession session, CloseStatus status) {
			if (session instanceof NativeWebSocketSession nativeSession
					&& nativeSession.getNativeSession() instanceof WsSession wsSession) {
				CloseReason reason = new CloseReason(CloseReason.CloseCodes.getCloseCode(status.getCode()),
						status.getReason());
				wsSession.doClose(reason, reason, true);
				return true;
			}
			return false;
		}

	}

}

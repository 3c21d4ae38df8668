package io.socketbox.spring.internal;

import jakarta.websocket.CloseReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.websocket.WsSession;
import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.jspecify.annotations.Nullable;

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
 * {@code org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT} (30 seconds by default), on
 * Jetty up to the connection's idle timeout, and a client that never answers holds the
 * connection and its buffers all that time, and is not known to be gone. On Tomcat,
 * {@link #closeNow} sends the close frame and then closes the connection; on Jetty 12 it
 * queues the close frame and closes the connection once the frame is written, or at once
 * if it was closed before (its close frame may wait behind a write that never ends). Other
 * containers get a regular {@link WebSocketSession#close(CloseStatus)}.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package, which closes peer links
 * with it.
 */
public final class Sessions {

	private static final Log logger = LogFactory.getLog(Sessions.class);

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent("org.apache.tomcat.websocket.WsSession",
			Sessions.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.core.CoreSession",
			Sessions.class.getClassLoader());

	private static final boolean JETTY_JAKARTA_PRESENT = JETTY_PRESENT && ClassUtils.isPresent(
			"org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession", Sessions.class.getClassLoader());

	private static final boolean JETTY_API_PRESENT = JETTY_PRESENT && ClassUtils
		.isPresent("org.eclipse.jetty.websocket.common.WebSocketSession", Sessions.class.getClassLoader());

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
			WebSocketSession container = WebSocketSessionDecorator.unwrap(session);
			if (TOMCAT_PRESENT && TomcatSessions.closeNow(container, status)) {
				return;
			}
			if (JETTY_PRESENT && JettySessions.closeNow(container, status)) {
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
	 * Return whether a session is one of Jetty 12's.
	 * @param session the session, decorated or not
	 * @return whether Jetty's WebSocket core session is behind it
	 */
	static boolean isJetty(WebSocketSession session) {
		return JETTY_PRESENT && JettySessions.coreSessionOf(WebSocketSessionDecorator.unwrap(session)) != null;
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

	/**
	 * Kept apart so that Jetty's classes are only loaded when they are present. Jetty's
	 * WebSocket core session is behind both a Jakarta WebSocket session (Spring's
	 * standard upgrade strategy, and Jetty's WebSocket client) and one of Jetty's own API
	 * (Spring's {@code JettyRequestUpgradeStrategy}).
	 */
	static final class JettySessions {

		static boolean closeNow(WebSocketSession session, CloseStatus status) {
			CoreSession core = coreSessionOf(session);
			if (core == null) {
				return false;
			}
			if (!core.isOutputOpen()) {
				// Closed before, and its close frame not written yet: a write ahead of it
				// may never complete
				core.abort();
				return true;
			}
			// Closed as soon as the close frame is out, without waiting for the answer
			core.close(status.getCode(), status.getReason(), Callback.from(core::abort, (failure) -> core.abort()));
			return true;
		}

		/**
		 * Return the WebSocket core session of a Jetty session.
		 * @param session the session, not decorated
		 * @return the core session, or {@code null} if the session is not Jetty's
		 */
		static @Nullable CoreSession coreSessionOf(WebSocketSession session) {
			if (session instanceof NativeWebSocketSession nativeSession) {
				if (JETTY_JAKARTA_PRESENT) {
					JakartaWebSocketSession jakartaSession = nativeSession
						.getNativeSession(JakartaWebSocketSession.class);
					if (jakartaSession != null) {
						return jakartaSession.getCoreSession();
					}
				}
				if (JETTY_API_PRESENT) {
					org.eclipse.jetty.websocket.common.WebSocketSession jettySession = nativeSession
						.getNativeSession(org.eclipse.jetty.websocket.common.WebSocketSession.class);
					if (jettySession != null) {
						return jettySession.getCoreSession();
					}
				}
			}
			return null;
		}

	}

}

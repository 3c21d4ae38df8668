package io.socketbox.spring.internal;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Bounds the time a blocking send may take on a WebSocket session, so that a client
 * that stops reading costs a sender at most that time. Applies to Tomcat's JSR-356
 * sessions, whose default is 20 seconds; other containers keep their own setting.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package, which bounds the sends
 * on peer links with it.
 */
public final class SendTimeouts {

	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final boolean JSR356_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			SendTimeouts.class.getClassLoader());

	private SendTimeouts() {
	}

	/**
	 * Apply a send timeout to a session.
	 * @param session the session, before it is decorated
	 * @param millis the longest time a blocking send may take
	 */
	public static void apply(WebSocketSession session, long millis) {
		if (JSR356_PRESENT && session instanceof NativeWebSocketSession nativeSession) {
			jakarta.websocket.Session jsrSession = nativeSession.getNativeSession(jakarta.websocket.Session.class);
			if (jsrSession != null) {
				jsrSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, millis);
			}
		}
	}

}

package io.socketbox.spring.internal.cluster;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Turns off Nagle's algorithm on the dialing side of a peer link. Tomcat's server side
 * sets {@code TCP_NODELAY}; its WebSocket client opens its socket without it and offers
 * no setting for it, so a frame written while an earlier one is unacknowledged waits for
 * the peer's delayed acknowledgement (up to 40 ms on Linux). The socket is reached
 * through Tomcat's internals; with another client, or another layout of Tomcat's
 * classes, nothing changes, which is logged at DEBUG level.
 */
final class TcpNoDelay {

	private static final Log logger = LogFactory.getLog(TcpNoDelay.class);

	private TcpNoDelay() {
	}

	/**
	 * Set {@code TCP_NODELAY} on the socket of a client session.
	 * @param session the session, before any decoration
	 * @return whether the option is now set
	 */
	static boolean enable(WebSocketSession session) {
		try {
			NetworkChannel socket = socketOf(session);
			if (socket != null) {
				socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
				return true;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("No socket to set TCP_NODELAY on for peer link " + session.getRemoteAddress());
			}
		}
		catch (IOException | RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Could not set TCP_NODELAY on peer link " + session.getRemoteAddress(), ex);
			}
		}
		return false;
	}

	/**
	 * Return the socket of a session of Tomcat's WebSocket client.
	 * @param session the session
	 * @return the socket, or {@code null} if the session is not one of Tomcat's client
	 */
	static @Nullable NetworkChannel socketOf(WebSocketSession session) {
		Object nativeSession = (session instanceof NativeWebSocketSession adapter) ? adapter.getNativeSession() : null;
		Object channel = field(field(field(nativeSession, "wsRemoteEndpoint"), "channel"), "socketChannel");
		return (channel instanceof NetworkChannel socket) ? socket : null;
	}

	private static @Nullable Object field(@Nullable Object target, String name) {
		if (target == null) {
			return null;
		}
		Field field = ReflectionUtils.findField(target.getClass(), name);
		if (field == null) {
			return null;
		}
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, target);
	}

}

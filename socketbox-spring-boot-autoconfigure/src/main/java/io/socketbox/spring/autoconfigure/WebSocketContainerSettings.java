package io.socketbox.spring.autoconfigure;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;

import org.springframework.web.context.ServletContextAware;

/**
 * Applies SocketBox's defaults to the servlet container's WebSocket container, when the
 * web server has one (not in a mock servlet environment). Tomcat allocates each session's
 * text and binary message buffers in full when the connection opens (a text buffer of 8 K
 * characters is 16 KB), so they are made small: SocketBox joins longer client messages from
 * parts, and its peer links and Spring's STOMP sessions set their own limits. Jetty
 * allocates no message buffers per idle connection (it takes buffers from a pool while it
 * reads or writes), and its message size limits do not apply to SocketBox's partial
 * messages; but it closes a WebSocket session that has been idle for 30 seconds, where
 * Tomcat keeps it open, and a browser may listen for longer than that without a word. So
 * on Jetty sessions get no idle timeout, as on Tomcat; SocketBox cuts a client that stops
 * reading by {@code socketbox.send-time-limit}. Other containers are left as they are.
 */
final class WebSocketContainerSettings implements ServletContextAware {

	private final int messageBufferSize;

	WebSocketContainerSettings(int messageBufferSize) {
		this.messageBufferSize = messageBufferSize;
	}

	int messageBufferSize() {
		return this.messageBufferSize;
	}

	@Override
	public void setServletContext(ServletContext servletContext) {
		if (servletContext.getAttribute(ServerContainer.class.getName()) instanceof ServerContainer container) {
			apply(container);
		}
	}

	/**
	 * Apply the settings that suit the container.
	 * @param container the container's WebSocket support
	 */
	void apply(ServerContainer container) {
		String type = container.getClass().getName();
		if (type.startsWith("org.apache.tomcat.")) {
			container.setDefaultMaxTextMessageBufferSize(this.messageBufferSize);
			container.setDefaultMaxBinaryMessageBufferSize(this.messageBufferSize);
		}
		else if (type.startsWith("org.eclipse.jetty.")) {
			container.setDefaultMaxSessionIdleTimeout(0);
		}
	}

}

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
 * messages, so it is left as it is, as are other containers. (Jetty closes a connection
 * that has been idle for {@code server.jetty.connection-idle-timeout}, 30 seconds by
 * default, WebSocket or not; a server-wide setting for the application, see the README.)
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
		if (container.getClass().getName().startsWith("org.apache.tomcat.")) {
			container.setDefaultMaxTextMessageBufferSize(this.messageBufferSize);
			container.setDefaultMaxBinaryMessageBufferSize(this.messageBufferSize);
		}
	}

}

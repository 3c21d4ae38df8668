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
 * allocates no message buffers per idle connection, but its default text message limit
 * (64 KB) applies to partial messages too, so it is raised to SocketBox's own limit when
 * that is larger.
 */
final class WebSocketContainerSettings implements ServletContextAware {

	private final int messageBufferSize;

	private final int maxTextMessageSize;

	WebSocketContainerSettings(int messageBufferSize, int maxTextMessageSize) {
		this.messageBufferSize = messageBufferSize;
		this.maxTextMessageSize = maxTextMessageSize;
	}

	int messageBufferSize() {
		return this.messageBufferSize;
	}

	int maxTextMessageSize() {
		return this.maxTextMessageSize;
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
		else if (type.startsWith("org.eclipse.jetty.")
				&& container.getDefaultMaxTextMessageBufferSize() < this.maxTextMessageSize) {
			container.setDefaultMaxTextMessageBufferSize(this.maxTextMessageSize);
		}
	}

}

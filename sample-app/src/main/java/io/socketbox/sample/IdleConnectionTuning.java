package io.socketbox.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Smaller per-connection buffers, for a node that holds many mostly idle WebSocket
 * connections (README, "Memory per connection"), when
 * {@code sample.idle-connection-tuning.enabled=true}. Applies to the whole server, HTTP
 * included, and slows the links between nodes, so it is off by default.
 * The third piece, Tomcat's WebSocket frame buffers, is a system property that must be
 * set before Tomcat starts: see {@link WebSocketBufferSizePostProcessor}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(IdleConnectionTuning.ENABLED_PROPERTY)
final class IdleConnectionTuning {

	static final String ENABLED_PROPERTY = "sample.idle-connection-tuning.enabled";

	/** Size of each buffer, in bytes (characters for text); Tomcat's defaults are 8 K. */
	static final int BUFFER_SIZE = 1024;

	/** Each WebSocket session's text and binary message buffers; SocketBox joins longer messages from parts. */
	@Bean
	ServletServerContainerFactoryBean webSocketContainer() {
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(BUFFER_SIZE);
		container.setMaxBinaryMessageBufferSize(BUFFER_SIZE);
		return container;
	}

	/** The connector's read and write buffers of each socket, WebSocket or HTTP (Tomcat only). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TomcatConnectorCustomizer.class)
	static final class TomcatSocketBuffers {

		@Bean
		TomcatConnectorCustomizer smallSocketBuffers() {
			return (connector) -> {
				connector.setProperty("socket.appReadBufSize", Integer.toString(BUFFER_SIZE));
				connector.setProperty("socket.appWriteBufSize", Integer.toString(BUFFER_SIZE));
			};
		}

	}

}

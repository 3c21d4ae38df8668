package io.socketbox.spring.autoconfigure;

import jakarta.websocket.server.ServerContainer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Auto-configuration of the servlet container's WebSocket support for many mostly idle
 * connections: small per-session message buffers on Tomcat
 * ({@code socketbox.container.message-buffer-size}); Jetty needs nothing. Backs off when
 * the application configures the container itself with a
 * {@link ServletServerContainerFactoryBean}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ ServerContainer.class, ServletServerContainerFactoryBean.class })
@EnableConfigurationProperties(SocketBoxProperties.class)
public final class WebSocketContainerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean({ ServletServerContainerFactoryBean.class, WebSocketContainerSettings.class })
	WebSocketContainerSettings socketBoxWebSocketContainerSettings(SocketBoxProperties properties) {
		return new WebSocketContainerSettings((int) properties.getContainer().getMessageBufferSize().toBytes());
	}

}

package io.socketbox.spring.autoconfigure;

import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;

/**
 * Callback that customizes the registration of the browsers' endpoint, for example to
 * add a {@link org.springframework.web.socket.server.HandshakeInterceptor} that copies
 * attributes of the HTTP session into the connection.
 */
@FunctionalInterface
public interface SocketBoxEndpointCustomizer {

	/**
	 * Customize the registration.
	 * @param registration the registration of the browsers' endpoint
	 */
	void customize(WebSocketHandlerRegistration registration);

}

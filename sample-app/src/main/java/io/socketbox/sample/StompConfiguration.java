package io.socketbox.sample;

import java.util.List;

import io.socketbox.spring.autoconfigure.SocketBoxProperties;

import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.StompWebSocketEndpointRegistration;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * The chat over STOMP, beside the raw {@code /ws} endpoint: Spring's simple broker, as an
 * application already configures it, which SocketBox clusters. The endpoint is
 * {@code /stomp} (plain WebSocket, no SockJS), with the same demo principal from
 * {@code ?user=NAME} and the same allowed origins as {@code /ws}; {@code /app} goes to
 * {@link StompChatController}, {@code /topic} and {@code /queue} to the broker,
 * {@code /user} to user destinations.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class StompConfiguration implements WebSocketMessageBrokerConfigurer {

	/**
	 * The largest STOMP frame a client may send, in bytes: room for a 64 KB chat text and
	 * its headers. A larger {@code SEND} closes its session: in one WebSocket message, as
	 * browsers send, the container closes it with 1009 on Jetty (whose limit counts bytes);
	 * in several, or on Tomcat (whose buffer counts characters), Spring answers with an
	 * {@code ERROR} frame and closes it with 1002.
	 */
	static final int MESSAGE_SIZE_LIMIT = 128 * 1024;

	private final List<String> allowedOriginPatterns;

	StompConfiguration(SocketBoxProperties properties) {
		this.allowedOriginPatterns = List.copyOf(properties.getAllowedOriginPatterns());
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		// Not setPreserveReceiveOrder(true): with it, Spring 7.0.8 delivers a
		// convertAndSendToUser made while handling a client's frame to one session of a
		// user with several ("Expected mutable SimpMessageHeaderAccessor" in
		// OrderedMessageChannelDecorator for the next; so without SocketBox too). The cost:
		// frames that one session sends quickly one after another may be handled out of order
		StompWebSocketEndpointRegistration endpoint = registry.addEndpoint("/stomp")
			.addInterceptors(new DemoUserConfiguration.DemoUserInterceptor())
			.setHandshakeHandler(new DemoUserConfiguration.DemoUserHandshakeHandler());
		if (!this.allowedOriginPatterns.isEmpty()) {
			endpoint.setAllowedOriginPatterns(this.allowedOriginPatterns.toArray(String[]::new));
		}
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.enableSimpleBroker("/topic", "/queue");
		registry.setApplicationDestinationPrefixes("/app");
		registry.setUserDestinationPrefix("/user");
	}

	@Override
	public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
		registration.setMessageSizeLimit(MESSAGE_SIZE_LIMIT);
		// A browser sends a frame as one WebSocket message, which the container buffers
		// whole; Spring raises each session's buffer to only 16 KB, so raise it to the limit
		registration.addDecoratorFactory((handler) -> new WebSocketHandlerDecorator(handler) {

			@Override
			public void afterConnectionEstablished(WebSocketSession session) throws Exception {
				session.setTextMessageSizeLimit(MESSAGE_SIZE_LIMIT);
				super.afterConnectionEstablished(session);
			}

		});
	}

}

package io.socketbox.spring.internal.stomp;

import java.security.Principal;

import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * A Spring application with the simple broker and user destinations, added to a test
 * node: a STOMP endpoint at {@code /stomp}, application prefix {@code /app}, broker
 * prefixes {@code /topic} and {@code /queue}, Spring's default user prefix
 * {@code /user}, and the user of a session taken from the {@code login} header of its
 * CONNECT frame, as Spring's reference documentation shows for token authentication.
 * <p>
 * Unlike {@link StompTestConfiguration} it does not preserve the publish order: with
 * that on, Spring Framework 7.0.8's {@code UserDestinationMessageHandler} fails to send
 * what {@code SimpMessagingTemplate.convertAndSendToUser} sends ("Expected mutable
 * SimpMessageHeaderAccessor" in {@code OrderedMessageChannelDecorator}), in Spring's
 * code before any SocketBox code is reached (not checked on a node without SocketBox).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
public class StompUserTestConfiguration implements WebSocketMessageBrokerConfigurer {

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/stomp");
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.enableSimpleBroker("/topic", "/queue");
		registry.setApplicationDestinationPrefixes("/app");
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.interceptors(new ChannelInterceptor() {

			@Override
			public Message<?> preSend(Message<?> message, MessageChannel channel) {
				StompHeaderAccessor accessor = MessageHeaderAccessor.getAccessor(message, StompHeaderAccessor.class);
				if (accessor != null && StompCommand.CONNECT.equals(accessor.getCommand())
						&& accessor.getLogin() != null) {
					String login = accessor.getLogin();
					Principal user = () -> login;
					accessor.setUser(user);
				}
				return message;
			}

		});
	}

}

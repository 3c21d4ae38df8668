package io.socketbox.spring.internal.stomp;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * What a Spring application that uses the simple broker already has, added to a test
 * node: a STOMP endpoint at {@code /stomp}, application prefix {@code /app}, broker
 * prefixes {@code /topic} and {@code /queue}, a {@code @MessageMapping} and an
 * interceptor that denies subscriptions and sends to {@code /topic/secret}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
public class StompTestConfiguration implements WebSocketMessageBrokerConfigurer {

	/**
	 * The destination prefix that the interceptor denies.
	 */
	public static final String SECRET = "/topic/secret";

	private final SecretGuard guard = new SecretGuard();

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/stomp");
		registry.setPreserveReceiveOrder(true);
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.enableSimpleBroker("/topic", "/queue").setSelectorHeaderName("selector");
		registry.setApplicationDestinationPrefixes("/app");
		registry.setPreservePublishOrder(true);
	}

	@Override
	public void configureClientInboundChannel(ChannelRegistration registration) {
		registration.interceptors(this.guard);
	}

	@Bean
	SecretGuard secretGuard() {
		return this.guard;
	}

	/**
	 * Answers {@code /app/shout} on {@code /topic/shout}, in capitals; registered as a
	 * member class of this configuration.
	 */
	@Controller
	static class ShoutController {

		@MessageMapping("/shout")
		String shout(String text) {
			return text.toUpperCase();
		}

	}

	/**
	 * Denies SUBSCRIBE and SEND for {@link #SECRET} destinations, as an application's
	 * security interceptor would, and counts its denials.
	 */
	static class SecretGuard implements ChannelInterceptor {

		private final AtomicLong denied = new AtomicLong();

		@Override
		public Message<?> preSend(Message<?> message, MessageChannel channel) {
			SimpMessageType type = SimpMessageHeaderAccessor.getMessageType(message.getHeaders());
			String destination = SimpMessageHeaderAccessor.getDestination(message.getHeaders());
			if ((SimpMessageType.SUBSCRIBE.equals(type) || SimpMessageType.MESSAGE.equals(type))
					&& destination != null && destination.startsWith(SECRET)) {
				this.denied.incrementAndGet();
				throw new MessagingException(message, "Access denied to " + destination);
			}
			return message;
		}

		long denied() {
			return this.denied.get();
		}

	}

}

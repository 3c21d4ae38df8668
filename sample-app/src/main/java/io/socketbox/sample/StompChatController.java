package io.socketbox.sample;

import java.security.Principal;

import io.socketbox.spring.SocketBoxCluster;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.stereotype.Controller;

/**
 * The chat over STOMP: {@code SEND /app/chat} with a text body reaches every subscriber
 * of {@code /topic/chat} on every node; {@code SEND /app/direct} with
 * {@code {"to":USER,"text":...}} reaches every session of that user, wherever it is
 * connected, on {@code /user/queue/direct}. A request that cannot be served gets a
 * {@link StompError} on the sender's {@code /user/queue/errors}.
 */
@Controller
class StompChatController {

	private final SimpMessagingTemplate messagingTemplate;

	private final SocketBoxCluster cluster;

	StompChatController(SimpMessagingTemplate messagingTemplate, SocketBoxCluster cluster) {
		this.messagingTemplate = messagingTemplate;
		this.cluster = cluster;
	}

	@MessageMapping("/chat")
	@SendTo("/topic/chat")
	StompChatMessage chat(@Payload(required = false) @Nullable String text, SimpMessageHeaderAccessor headers) {
		// Not required: an empty body is an empty text, not an error
		return new StompChatMessage(sender(headers), this.cluster.getNodeName(), (text != null) ? text : "");
	}

	@MessageMapping("/direct")
	void direct(@Payload StompDirectRequest request, SimpMessageHeaderAccessor headers) {
		String to = request.to();
		if (to == null || !DemoUser.RULE.matcher(to).matches() || request.text() == null) {
			throw new IllegalArgumentException("A direct message needs 'to' (" + DemoUser.RULE_DESCRIPTION
					+ ") and 'text'");
		}
		this.messagingTemplate.convertAndSendToUser(to, "/queue/direct",
				new StompChatMessage(sender(headers), this.cluster.getNodeName(), request.text()));
	}

	@MessageExceptionHandler
	@SendToUser(destinations = "/queue/errors", broadcast = false)
	StompError handle(Exception ex) {
		return new StompError(ex.getMessage());
	}

	/**
	 * The demo user's name, or the STOMP session id for an anonymous session.
	 */
	private static String sender(SimpMessageHeaderAccessor headers) {
		Principal user = headers.getUser();
		return (user != null) ? user.getName() : "anonymous-" + headers.getSessionId();
	}

	/**
	 * What a client sends to {@code /app/direct}.
	 *
	 * @param to the name of the user to reach
	 * @param text the text
	 */
	record StompDirectRequest(@Nullable String to, @Nullable String text) {
	}

	/**
	 * What subscribers of {@code /topic/chat} and {@code /user/queue/direct} receive.
	 *
	 * @param from the sender's user name, or {@code anonymous-} and its session id
	 * @param node the name of the node where the message came in
	 * @param text the text, unchanged
	 */
	record StompChatMessage(String from, String node, String text) {
	}

	/**
	 * Why a request was not served.
	 *
	 * @param message the reason
	 */
	record StompError(@Nullable String message) {
	}

}

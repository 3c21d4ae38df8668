package io.socketbox.spring.internal;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * Joins the parts of a text message that the container delivers in pieces, up to a
 * maximum size. Lets a session keep the container's small default read buffer instead
 * of one as large as the largest message allowed: Tomcat allocates that buffer in full,
 * two bytes per character, for the session's lifetime once it receives a message. A
 * message that arrives whole costs no copy; a longer one is joined in a builder kept in
 * the session's attributes only until its last part.
 */
final class PartialTextMessages {

	private static final String ATTRIBUTE = PartialTextMessages.class.getName();

	private final int maxSize;

	PartialTextMessages(int maxSize) {
		this.maxSize = maxSize;
	}

	/**
	 * Give the session a read buffer no larger than the maximum message size, keeping
	 * Tomcat's default when that is smaller. Jetty does not allocate its limit up front,
	 * and counts it in bytes: it gets the most bytes the maximum size can take.
	 * @param session the new session
	 */
	void configure(WebSocketSession session) {
		TextMessageSizeLimits.lower(session, this.maxSize);
	}

	/**
	 * Add a part of a message.
	 * @param session the session it came from
	 * @param message the part
	 * @return the whole message if this was its last part, or {@code null}
	 * @throws IOException if the session could not be closed after the message grew past
	 * the maximum size
	 */
	@Nullable String add(WebSocketSession session, TextMessage message) throws IOException {
		StringBuilder builder = (StringBuilder) session.getAttributes().get(ATTRIBUTE);
		String part = message.getPayload();
		int size = ((builder != null) ? builder.length() : 0) + part.length();
		if (size > this.maxSize) {
			session.getAttributes().remove(ATTRIBUTE);
			if (session.isOpen()) {
				session.close(CloseStatus.TOO_BIG_TO_PROCESS
					.withReason("Text message larger than " + this.maxSize + " characters"));
			}
			return null;
		}
		if (message.isLast()) {
			if (builder == null) {
				return part;
			}
			session.getAttributes().remove(ATTRIBUTE);
			return builder.append(part).toString();
		}
		if (builder == null) {
			builder = new StringBuilder(Math.min(this.maxSize, 2 * part.length()));
			session.getAttributes().put(ATTRIBUTE, builder);
		}
		builder.append(part);
		return null;
	}

}

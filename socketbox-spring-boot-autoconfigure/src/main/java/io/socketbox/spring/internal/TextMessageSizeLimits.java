package io.socketbox.spring.internal;

import org.springframework.web.socket.WebSocketSession;

/**
 * Sets the largest text message a session accepts, in UTF-16 characters on every
 * container. Tomcat counts characters; Jetty 12 counts the message's UTF-8 bytes, so it
 * is given the most bytes that many characters can take (three each), and the handler
 * checks the characters itself. Without that a message of multi-byte text well under the
 * limit would be refused on Jetty, and accepted on Tomcat.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package, which limits the frames
 * of peer links with it.
 */
public final class TextMessageSizeLimits {

	/**
	 * The most UTF-8 bytes one UTF-16 character takes: three for a character of the Basic
	 * Multilingual Plane, four for a surrogate pair, which is two characters.
	 */
	private static final int MAX_BYTES_PER_CHARACTER = 3;

	private TextMessageSizeLimits() {
	}

	/**
	 * Limit the size of the text messages a session accepts.
	 * @param session the session, decorated or not
	 * @param characters the largest message, in UTF-16 characters
	 */
	public static void apply(WebSocketSession session, int characters) {
		session.setTextMessageSizeLimit(Sessions.isJetty(session) ? inBytes(characters) : characters);
	}

	/**
	 * Limit the size of the text messages a session accepts, but keep Tomcat's own limit
	 * when it is smaller: Tomcat allocates a buffer of that size for each session, where
	 * Jetty allocates none up front.
	 * @param session the session, decorated or not
	 * @param characters the largest message, in UTF-16 characters
	 */
	static void lower(WebSocketSession session, int characters) {
		if (Sessions.isJetty(session)) {
			session.setTextMessageSizeLimit(inBytes(characters));
		}
		else if (characters < session.getTextMessageSizeLimit()) {
			session.setTextMessageSizeLimit(characters);
		}
	}

	private static int inBytes(int characters) {
		return (int) Math.min(Integer.MAX_VALUE, (long) characters * MAX_BYTES_PER_CHARACTER);
	}

}

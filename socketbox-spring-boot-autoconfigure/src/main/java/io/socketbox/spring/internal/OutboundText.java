package io.socketbox.spring.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A text message on its way to WebSocket connections: well-formed Unicode, with its
 * UTF-8 size measured once for every connection it goes to.
 * <p>
 * A Java {@link String} may hold a lone surrogate (half of a UTF-16 pair, for example
 * from the JSON escape {@code "\ud800"} in a client's frame), which has no UTF-8
 * encoding: a WebSocket container refuses to send it, and an encoder that throws in the
 * middle of a fan-out would hurt every connection after it. SocketBox therefore
 * replaces every lone surrogate with U+FFFD, the replacement character, the rule that
 * browsers apply to text passed to {@code WebSocket.send}. Text without lone
 * surrogates is left as it is and not copied.
 * <p>
 * A container that writes prepared frames (Jetty) takes the {@link #payload() UTF-8
 * bytes}, encoded once by the first connection that needs them and shared read-only
 * by every other one.
 * <p>
 * Internal to SocketBox, public for the {@code cluster} package, which sends and encodes
 * it.
 */
public final class OutboundText {

	/** The replacement character, three bytes in UTF-8. */
	static final char REPLACEMENT = '\uFFFD';

	private final String text;

	private final int size;

	private volatile @Nullable ByteBuffer utf8;

	private OutboundText(String text, int size) {
		this.text = text;
		this.size = size;
	}

	/**
	 * Return a message for the given text, with every lone surrogate replaced.
	 * @param text the text
	 * @return the message
	 */
	public static OutboundText of(String text) {
		int size = utf8Length(text);
		if (size < 0) {
			String wellFormed = toWellFormed(text);
			return new OutboundText(wellFormed, utf8Length(wellFormed));
		}
		return new OutboundText(text, size);
	}

	/**
	 * Return a message for a payload of the application: a {@link String} as it is,
	 * anything else as the given writer writes it (JSON).
	 * @param payload the payload
	 * @param writer writes payloads that are not strings
	 * @return the message
	 */
	public static OutboundText ofPayload(Object payload, Function<Object, String> writer) {
		return of((payload instanceof String text) ? text : writer.apply(payload));
	}

	/**
	 * Return the given text with every lone surrogate replaced with U+FFFD, or the same
	 * instance when it has none.
	 * @param text the text
	 * @return well-formed text
	 */
	public static String toWellFormed(String text) {
		int length = text.length();
		int first = firstLoneSurrogate(text);
		if (first < 0) {
			return text;
		}
		StringBuilder builder = new StringBuilder(length);
		builder.append(text, 0, first);
		for (int i = first; i < length; i++) {
			char c = text.charAt(i);
			if (!Character.isSurrogate(c)) {
				builder.append(c);
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				builder.append(c).append(text.charAt(++i));
			}
			else {
				builder.append(REPLACEMENT);
			}
		}
		return builder.toString();
	}

	/**
	 * Whether the given text has no lone surrogate, so that it can be encoded as UTF-8.
	 * @param text the text
	 * @return {@code true} if it is well-formed
	 */
	public static boolean isWellFormed(CharSequence text) {
		return firstLoneSurrogate(text) < 0;
	}

	private static int firstLoneSurrogate(CharSequence text) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (Character.isSurrogate(c)) {
				if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
				}
				else {
					return i;
				}
			}
		}
		return -1;
	}

	/**
	 * Return the length of the given text in UTF-8, or -1 if it has a lone surrogate.
	 */
	private static int utf8Length(String text) {
		int size = 0;
		int length = text.length();
		for (int i = 0; i < length; i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				size++;
			}
			else if (c < 0x800) {
				size += 2;
			}
			else if (!Character.isSurrogate(c)) {
				size += 3;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
				size += 4;
				i++;
			}
			else {
				return -1;
			}
		}
		return size;
	}

	/**
	 * Return the text, well-formed.
	 * @return the text
	 */
	public String text() {
		return this.text;
	}

	/**
	 * Return the size of the text in UTF-8.
	 * @return the number of bytes
	 */
	public int size() {
		return this.size;
	}

	/**
	 * Return the text in UTF-8, encoded once and shared: a view of its own for each
	 * caller, read-only, whose position the caller may move.
	 * @return the bytes, {@link #size()} of them
	 */
	ByteBuffer payload() {
		ByteBuffer utf8 = this.utf8;
		if (utf8 == null) {
			// Two connections that race here encode twice, both the same: no lock needed
			utf8 = ByteBuffer.wrap(this.text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
			this.utf8 = utf8;
		}
		return utf8.duplicate();
	}

	@Override
	public String toString() {
		return "OutboundText[" + this.size + " bytes]";
	}

}

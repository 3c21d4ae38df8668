package io.socketbox.benchmarks;

/**
 * The text of a benchmark message: the generator's {@link System#nanoTime()} at the
 * intended send time and a sequence number, padded to a fixed size. Receivers find it
 * after {@code "text":"} in whatever frame carries it, so no JSON parsing is needed.
 */
final class Payload {

	/** Bytes of text in every message. */
	static final int SIZE = 64;

	private static final String TEXT_FIELD = "\"text\":\"";

	private Payload() {
	}

	static String create(long nanoTime, long sequence) {
		StringBuilder text = new StringBuilder(SIZE).append(nanoTime).append(',').append(sequence).append(',');
		while (text.length() < SIZE) {
			text.append('x');
		}
		return text.toString();
	}

	/**
	 * Return the send time in a frame that carries a payload.
	 * @param frame the frame as received
	 * @return the send time, or {@code -1} when the frame has no payload
	 */
	static long sentAt(CharSequence frame) {
		int start = indexOf(frame, TEXT_FIELD);
		if (start < 0) {
			return -1;
		}
		long value = 0;
		int digits = 0;
		for (int i = start + TEXT_FIELD.length(); i < frame.length(); i++) {
			char c = frame.charAt(i);
			if (c == '-' && digits == 0) {
				return -1;
			}
			if (c < '0' || c > '9') {
				break;
			}
			value = value * 10 + (c - '0');
			digits++;
		}
		return (digits > 0) ? value : -1;
	}

	static int indexOf(CharSequence text, String part) {
		int last = text.length() - part.length();
		outer: for (int i = 0; i <= last; i++) {
			for (int j = 0; j < part.length(); j++) {
				if (text.charAt(i + j) != part.charAt(j)) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}

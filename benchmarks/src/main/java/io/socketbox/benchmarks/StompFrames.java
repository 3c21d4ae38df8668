package io.socketbox.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The STOMP 1.2 frames of scenario 10, and its message body: a sequence number and the
 * send time in {@link System#nanoTime()}, padded to a fixed size.
 */
final class StompFrames {

	private StompFrames() {
	}

	static String connect() {
		return "CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n\0";
	}

	static String subscribe(String id, String destination) {
		return "SUBSCRIBE\nid:" + id + "\ndestination:" + destination + "\nack:auto\n\n\0";
	}

	static String send(String destination, String body) {
		return "SEND\ndestination:" + destination + "\ncontent-type:text/plain\n\n" + body + "\0";
	}

	/**
	 * Return a body of exactly {@code size} characters (longer if the numbers need more)
	 * that carries a sequence number and a send time.
	 */
	static String body(long sequence, long sentAt, int size) {
		StringBuilder body = new StringBuilder(size).append(sequence).append(',').append(sentAt).append(',');
		while (body.length() < size) {
			body.append('x');
		}
		return body.toString();
	}

	static long sequence(String body) {
		return Long.parseLong(body, 0, body.indexOf(','), 10);
	}

	static long sentAt(String body) {
		int first = body.indexOf(',');
		return Long.parseLong(body, first + 1, body.indexOf(',', first + 1), 10);
	}

	/**
	 * Parse the frames of one WebSocket message: one or more frames, each ended by NUL,
	 * heart-beats (bare end-of-lines) skipped. Header values are decoded as STOMP 1.2
	 * says; the body runs to the NUL (content-length is not needed for text bodies).
	 * @throws IllegalArgumentException for a frame without a command line or NUL
	 */
	static List<Frame> parse(String data) {
		List<Frame> frames = new ArrayList<>();
		int at = 0;
		while (at < data.length()) {
			char c = data.charAt(at);
			if (c == '\n' || c == '\r') {
				at++;
				continue;
			}
			int end = data.indexOf('\0', at);
			if (end < 0) {
				throw new IllegalArgumentException("A STOMP frame without NUL: " + abbreviate(data.substring(at)));
			}
			frames.add(frame(data.substring(at, end)));
			at = end + 1;
		}
		return frames;
	}

	private static Frame frame(String text) {
		int headersEnd = text.indexOf("\n\n");
		int bodyStart = headersEnd + 2;
		if (headersEnd < 0) {
			int crlf = text.indexOf("\r\n\r\n");
			if (crlf < 0) {
				throw new IllegalArgumentException("A STOMP frame without an empty line: " + abbreviate(text));
			}
			headersEnd = crlf;
			bodyStart = crlf + 4;
		}
		String[] lines = text.substring(0, headersEnd).split("\r?\n");
		String command = lines[0];
		if (command.isEmpty()) {
			throw new IllegalArgumentException("A STOMP frame without a command: " + abbreviate(text));
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon <= 0) {
				throw new IllegalArgumentException("A STOMP header without a name: " + abbreviate(lines[i]));
			}
			// The first occurrence of a repeated header wins (STOMP 1.2)
			headers.putIfAbsent(unescape(lines[i].substring(0, colon)), unescape(lines[i].substring(colon + 1)));
		}
		return new Frame(command, headers, text.substring(bodyStart));
	}

	static String unescape(String value) {
		if (value.indexOf('\\') < 0) {
			return value;
		}
		StringBuilder out = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c != '\\' || i + 1 == value.length()) {
				out.append(c);
				continue;
			}
			char next = value.charAt(++i);
			switch (next) {
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 'c' -> out.append(':');
				case '\\' -> out.append('\\');
				default -> throw new IllegalArgumentException("An undefined STOMP escape \\" + next);
			}
		}
		return out.toString();
	}

	private static String abbreviate(String text) {
		return (text.length() <= 60) ? text : text.substring(0, 60) + "...";
	}

	/**
	 * One STOMP frame.
	 *
	 * @param command its command
	 * @param headers its headers, decoded
	 * @param body its body, as text
	 */
	record Frame(String command, Map<String, String> headers, String body) {

	}

}

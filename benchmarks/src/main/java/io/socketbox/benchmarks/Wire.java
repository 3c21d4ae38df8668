package io.socketbox.benchmarks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a client talks to one of the two systems: the SocketBox sample's JSON frames, or
 * Socket.IO v5 packets inside Engine.IO v4 packets over a raw WebSocket.
 */
enum Wire {

	/**
	 * The sample's {@code /ws}: every frame is a JSON object with a {@code type}.
	 */
	SOCKETBOX {

		private final Pattern welcome = Pattern.compile("\"connection\"\\s*:\\s*\"([^\"]+)\"");

		@Override
		String path() {
			return "/ws";
		}

		@Override
		String chat(String text) {
			return "{\"type\":\"chat\",\"text\":\"" + text + "\"}";
		}

		@Override
		String direct(String to, String text) {
			return "{\"type\":\"direct\",\"to\":\"" + to + "\",\"text\":\"" + text + "\"}";
		}

		@Override
		Frame read(String frame) {
			if (frame.startsWith("{\"type\":\"chat\"") || frame.startsWith("{\"type\":\"direct\"")) {
				return Frame.MESSAGE;
			}
			if (frame.startsWith("{\"type\":\"welcome\"")) {
				return Frame.WELCOME;
			}
			return frame.startsWith("{\"type\":\"error\"") ? Frame.ERROR : Frame.OTHER;
		}

		@Override
		String connectionId(String welcomeFrame) {
			Matcher matcher = this.welcome.matcher(welcomeFrame);
			return matcher.find() ? matcher.group(1) : null;
		}

		@Override
		String reply(String frame) {
			return null;
		}

	},

	/**
	 * Socket.IO: {@code 0{...}} opens, {@code 40} joins the default namespace,
	 * {@code 42["event",payload]} carries events and a server ping {@code 2} wants
	 * {@code 3} back.
	 */
	SOCKET_IO {

		private final Pattern welcome = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

		@Override
		String path() {
			return "/socket.io/?EIO=4&transport=websocket";
		}

		@Override
		String chat(String text) {
			return "42[\"chat\",\"" + text + "\"]";
		}

		@Override
		String direct(String to, String text) {
			return "42[\"direct\",{\"to\":\"" + to + "\",\"text\":\"" + text + "\"}]";
		}

		@Override
		Frame read(String frame) {
			if (frame.startsWith("42[\"chat\"") || frame.startsWith("42[\"direct\"")) {
				return Frame.MESSAGE;
			}
			if (frame.startsWith("42[\"welcome\"")) {
				return Frame.WELCOME;
			}
			return frame.startsWith("44") ? Frame.ERROR : Frame.OTHER;
		}

		@Override
		String connectionId(String welcomeFrame) {
			Matcher matcher = this.welcome.matcher(welcomeFrame);
			return matcher.find() ? matcher.group(1) : null;
		}

		@Override
		String reply(String frame) {
			if (frame.equals("2")) {
				return "3";
			}
			return frame.startsWith("0{") ? "40" : null;
		}

	};

	/**
	 * Return the path and query to open a WebSocket at.
	 */
	abstract String path();

	/**
	 * Return a frame that broadcasts the text to the whole cluster.
	 */
	abstract String chat(String text);

	/**
	 * Return a frame that sends the text to one connection.
	 */
	abstract String direct(String to, String text);

	/**
	 * Classify a frame from the server.
	 */
	abstract Frame read(String frame);

	/**
	 * Return the connection id in a {@link Frame#WELCOME} frame.
	 */
	abstract String connectionId(String welcomeFrame);

	/**
	 * Return the frame the protocol wants sent back in answer to the given one, or
	 * {@code null}.
	 */
	abstract String reply(String frame);

	/**
	 * Kinds of frames from the server.
	 */
	enum Frame {

		/** Greets a new connection and tells its id. */
		WELCOME,

		/** A chat or direct message: carries a payload. */
		MESSAGE,

		/** The server refused or could not deliver something. */
		ERROR,

		/** Anything else (protocol frames). */
		OTHER

	}

}

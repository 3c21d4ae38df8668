package io.socketbox.spring.internal.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.socketbox.spring.internal.OutboundText;

/**
 * The frames of the {@code socketbox.v1} subprotocol, described in
 * {@code docs/sessions.md}: what the server writes, and the parser of what a client
 * sends. Every client frame is {@code m <seq> <text>} (a numbered message for the
 * application), {@code a <text>} (an unnumbered one) or {@code c <json>} (a control
 * message); anything else is refused with an
 * {@link InvalidFrameException} that says why.
 */
public final class SessionFrames {

	/** The subprotocol a client offers to have a session. */
	public static final String SUBPROTOCOL = "socketbox.v1";

	/** The seq of a numbered client message: 1 to 2^53-1, as a JavaScript client counts. */
	private static final Pattern SEQ = Pattern.compile("[1-9][0-9]{0,15}");

	private static final long MAX_SEQ = (1L << 53) - 1;

	/** Origins are node ids: base-36 digits. */
	private static final Pattern ORIGIN = Pattern.compile("[0-9a-z]{1,64}");

	private static final JsonMapper mapper = JsonMapper.shared();

	private SessionFrames() {
	}

	/**
	 * Return the {@code d} frame of a message to a session.
	 * @param seq its number in the session
	 * @param text the message
	 * @return the frame
	 */
	public static OutboundText direct(long seq, OutboundText text) {
		return OutboundText.of("d " + seq + " " + text.text());
	}

	/**
	 * Return the {@code b} frame of a broadcast, the same for every session.
	 * @param origin the node it was sent on
	 * @param position its number among that node's broadcasts
	 * @param text the message
	 * @return the frame
	 */
	public static OutboundText broadcast(String origin, long position, OutboundText text) {
		return OutboundText.of("b " + origin + " " + position + " " + text.text());
	}

	/**
	 * Return the {@code welcome} frame, the first the server sends on a session.
	 * @param sessionId the session
	 * @param token the token to resume it with
	 * @param resumed whether the client resumed its session
	 * @param handled the seq of the last numbered message of the client that the session
	 * has handled
	 * @param positions the broadcast position per origin the client is to count from
	 * @return the frame
	 */
	public static OutboundText welcome(String sessionId, String token, boolean resumed, long handled,
			Map<String, Long> positions) {
		ObjectNode welcome = mapper.createObjectNode()
			.put("t", "welcome")
			.put("session", sessionId)
			.put("token", token)
			.put("resumed", resumed)
			.put("m", handled);
		ObjectNode b = welcome.putObject("b");
		positions.forEach(b::put);
		return control(welcome);
	}

	/**
	 * Return a {@code token} frame with a fresh token.
	 * @param token the token
	 * @return the frame
	 */
	public static OutboundText token(String token) {
		return control(mapper.createObjectNode().put("t", "token").put("token", token));
	}

	/**
	 * Return an {@code ack} frame: the client's numbered messages up to a seq have been
	 * handled.
	 * @param handled the seq of the last one
	 * @return the frame
	 */
	public static OutboundText ack(long handled) {
		return control(mapper.createObjectNode().put("t", "ack").put("m", handled));
	}

	/**
	 * Return a {@code gap} frame: messages to the client were lost.
	 * @param kind {@code direct} or {@code broadcast}
	 * @param reason why
	 * @param origin the origin of the lost broadcasts, or {@code null}
	 * @return the frame
	 */
	public static OutboundText gap(String kind, String reason, @Nullable String origin) {
		ObjectNode gap = mapper.createObjectNode().put("t", "gap").put("kind", kind).put("reason", reason);
		if (origin != null) {
			gap.put("origin", origin);
		}
		return control(gap);
	}

	private static OutboundText control(ObjectNode node) {
		return OutboundText.of("c " + mapper.writeValueAsString(node));
	}

	/**
	 * Read a frame a client sent.
	 * @param frame the text of the frame
	 * @return what it says
	 * @throws InvalidFrameException if it is not a frame of the protocol
	 */
	public static ClientFrame parse(String frame) {
		if (frame.startsWith("m ")) {
			return numbered(frame);
		}
		if (frame.startsWith("a ")) {
			return new ClientFrame.Message(frame.substring(2));
		}
		if (!frame.startsWith("c ")) {
			throw new InvalidFrameException("A frame must begin with 'm ', 'a ' or 'c '");
		}
		JsonNode control;
		try {
			control = mapper.readTree(frame.substring(2));
		}
		catch (JacksonException ex) {
			throw new InvalidFrameException("Malformed control message: " + ex.getOriginalMessage());
		}
		if (control == null || !control.isObject() || !control.path("t").isString()) {
			throw new InvalidFrameException("A control message must be a JSON object with a string 't'");
		}
		String type = control.get("t").stringValue();
		return switch (type) {
			case "hello" -> new ClientFrame.Hello();
			case "resume" -> resume(control);
			default -> new ClientFrame.Other(type);
		};
	}

	private static ClientFrame.Numbered numbered(String frame) {
		int space = frame.indexOf(' ', 2);
		String seq = (space > 0) ? frame.substring(2, space) : "";
		if (!SEQ.matcher(seq).matches() || Long.parseLong(seq) > MAX_SEQ) {
			throw new InvalidFrameException("A numbered message needs a seq from 1 to 2^53-1 and a space");
		}
		return new ClientFrame.Numbered(Long.parseLong(seq), frame.substring(space + 1));
	}

	private static ClientFrame.Resume resume(JsonNode control) {
		JsonNode token = control.path("token");
		if (!token.isString() || token.stringValue().length() > SessionTokens.MAX_LENGTH) {
			throw new InvalidFrameException("A resume needs a 'token' string of at most " + SessionTokens.MAX_LENGTH
					+ " characters");
		}
		long direct = position(control.path("d"), "d");
		JsonNode b = control.path("b");
		Map<String, Long> positions = new LinkedHashMap<>();
		if (!b.isMissingNode()) {
			if (!b.isObject()) {
				throw new InvalidFrameException("'b' must be an object of positions by origin");
			}
			for (Map.Entry<String, JsonNode> entry : b.properties()) {
				if (!ORIGIN.matcher(entry.getKey()).matches()) {
					throw new InvalidFrameException("'b' has an origin that is not a node id");
				}
				positions.put(entry.getKey(), position(entry.getValue(), "b"));
			}
		}
		return new ClientFrame.Resume(token.stringValue(), direct, positions);
	}

	private static long position(JsonNode node, String name) {
		if (node.isMissingNode()) {
			return 0;
		}
		if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
			throw new InvalidFrameException("'" + name + "' must hold whole numbers from 0 to 2^63-1");
		}
		return node.longValue();
	}

	/**
	 * What a client's frame says.
	 */
	public sealed interface ClientFrame {

		/**
		 * A message for the application.
		 *
		 * @param text the message
		 */
		record Message(String text) implements ClientFrame {

		}

		/**
		 * A numbered message for the application, which the client sends again until it
		 * is acknowledged.
		 *
		 * @param seq its number in the session
		 * @param text the message
		 */
		record Numbered(long seq, String text) implements ClientFrame {

		}

		/**
		 * Start a new session.
		 */
		record Hello() implements ClientFrame {

		}

		/**
		 * Resume a session.
		 *
		 * @param token the token of the session
		 * @param direct the seq of the last {@code d} frame the client received
		 * @param broadcasts the last broadcast position the client received per origin
		 */
		record Resume(String token, long direct, Map<String, Long> broadcasts) implements ClientFrame {

		}

		/**
		 * A control message of a later version of the protocol: ignored.
		 *
		 * @param type its {@code t}
		 */
		record Other(String type) implements ClientFrame {

		}

	}

	/**
	 * Thrown for a frame that is not a frame of the protocol.
	 */
	public static final class InvalidFrameException extends RuntimeException {

		InvalidFrameException(String message) {
			super(message);
		}

	}

}

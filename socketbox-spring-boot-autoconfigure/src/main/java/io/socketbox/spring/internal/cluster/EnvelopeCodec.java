package io.socketbox.spring.internal.cluster;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.OutboundText;

import org.springframework.web.socket.TextMessage;

/**
 * Writes and reads {@link Envelope envelopes}. Uses its own mapper so that the wire
 * format does not change with the application's Jackson settings.
 */
final class EnvelopeCodec {

	private final JsonMapper mapper = JsonMapper.shared();

	/**
	 * Write a frame. Every lone surrogate in it (in a payload, a connection id or a user
	 * name given by the application) is replaced with U+FFFD, so that the frame can
	 * always be encoded as UTF-8 and sent.
	 * @param envelope the envelope
	 * @return the frame
	 */
	TextMessage write(Envelope envelope) {
		return new TextMessage(encode(envelope).text());
	}

	/**
	 * Write a frame as {@link #write} does, with its size in UTF-8 measured in the same
	 * pass.
	 * @param envelope the envelope
	 * @return the frame
	 */
	OutboundText encode(Envelope envelope) {
		return OutboundText.of(this.mapper.writeValueAsString(envelope));
	}

	/**
	 * Read a frame.
	 * @param text the frame
	 * @return the envelope
	 * @throws InvalidEnvelopeException if the frame is not a valid envelope of this
	 * protocol version
	 */
	Envelope read(String text) {
		Envelope envelope;
		try {
			envelope = this.mapper.readValue(text, Envelope.class);
		}
		catch (JacksonException ex) {
			throw new InvalidEnvelopeException("Malformed frame: " + ex.getOriginalMessage());
		}
		if (envelope == null || envelope.v() != Envelope.VERSION) {
			throw new InvalidEnvelopeException(
					"Unsupported protocol version " + ((envelope != null) ? envelope.v() : "none"));
		}
		if (envelope.type() == null || envelope.origin() == null) {
			throw new InvalidEnvelopeException("Frame without type or origin");
		}
		return envelope;
	}

	/**
	 * Thrown when a peer sends a frame that is not a valid envelope.
	 */
	static final class InvalidEnvelopeException extends RuntimeException {

		InvalidEnvelopeException(String message) {
			super(message);
		}

	}

}

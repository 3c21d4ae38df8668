package io.socketbox.spring.internal.cluster;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.TextMessage;

/**
 * Several envelopes in one link frame, one per line. Envelopes are compact JSON, in
 * which a line break can only appear escaped, so every line break separates two.
 */
final class PeerFrames {

	private static final char SEPARATOR = '\n';

	private PeerFrames() {
	}

	/**
	 * Join data frames, and a heartbeat if there is one, into one frame; a single frame
	 * is sent as it is.
	 */
	static TextMessage join(List<PeerChannel.Outbound> batch, @Nullable TextMessage heartbeat) {
		if (batch.size() == 1 && heartbeat == null) {
			return batch.get(0).message();
		}
		if (batch.isEmpty() && heartbeat != null) {
			return heartbeat;
		}
		int length = (heartbeat != null) ? heartbeat.getPayloadLength() : 0;
		for (PeerChannel.Outbound outbound : batch) {
			length += outbound.size() + 1;
		}
		StringBuilder frame = new StringBuilder(length);
		for (PeerChannel.Outbound outbound : batch) {
			append(frame, outbound.message());
		}
		if (heartbeat != null) {
			append(frame, heartbeat);
		}
		return new TextMessage(frame);
	}

	/**
	 * Return an upper bound of the length of the frame that joins the given envelopes.
	 */
	static long length(List<PeerChannel.Outbound> batch) {
		long length = batch.size() - 1;
		for (PeerChannel.Outbound outbound : batch) {
			length += outbound.size();
		}
		return length;
	}

	private static void append(StringBuilder frame, TextMessage message) {
		if (!frame.isEmpty()) {
			frame.append(SEPARATOR);
		}
		frame.append(message.getPayload());
	}

	/**
	 * Split a link frame into its envelopes.
	 */
	static List<String> split(String frame) {
		List<String> envelopes = new ArrayList<>(1);
		int start = 0;
		int end;
		while ((end = frame.indexOf(SEPARATOR, start)) >= 0) {
			envelopes.add(frame.substring(start, end));
			start = end + 1;
		}
		envelopes.add((start == 0) ? frame : frame.substring(start));
		return envelopes;
	}

}

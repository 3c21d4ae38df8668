package io.socketbox.spring.cluster;

import java.util.ArrayList;
import java.util.List;

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
	 * Join frames into one; a single frame is sent as it is.
	 */
	static TextMessage join(List<PeerChannel.Outbound> batch) {
		if (batch.size() == 1) {
			return batch.get(0).message();
		}
		int length = 0;
		for (PeerChannel.Outbound outbound : batch) {
			length += outbound.size() + 1;
		}
		StringBuilder frame = new StringBuilder(length);
		for (PeerChannel.Outbound outbound : batch) {
			if (!frame.isEmpty()) {
				frame.append(SEPARATOR);
			}
			frame.append(outbound.message().getPayload());
		}
		return new TextMessage(frame);
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

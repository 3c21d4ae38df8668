package io.socketbox.spring.internal.cluster;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.TextMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PeerFrames}.
 */
class PeerFramesTests {

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@Test
	void singleFrameIsSentAsItIs() {
		PeerChannel.Outbound only = outbound(1, "one");
		assertThat(PeerFrames.join(List.of(only), null)).isSameAs(only.message());
	}

	@Test
	void envelopesWithLineBreaksInTheirPayloadSurviveJoinAndSplit() {
		List<String> payloads = List.of("line one\nline two", "\r\n", "{\"text\":\"a\\nb\"}", "plain");
		List<PeerChannel.Outbound> batch = new ArrayList<>();
		for (int i = 0; i < payloads.size(); i++) {
			batch.add(outbound(i + 1, payloads.get(i)));
		}
		List<String> envelopes = PeerFrames.split(PeerFrames.join(batch, null).getPayload());
		assertThat(envelopes).hasSize(payloads.size());
		assertThat(envelopes.stream().map((text) -> this.codec.read(text).payload())).containsExactlyElementsOf(payloads);
		assertThat(envelopes.stream().map((text) -> this.codec.read(text).s())).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void heartbeatGoesLastOrAlone() {
		TextMessage heartbeat = this.codec.write(Envelope.heartbeat("origin", 7));
		PeerChannel.Outbound data = outbound(8, "data");
		assertThat(PeerFrames.join(List.of(), heartbeat)).isSameAs(heartbeat);
		assertThat(PeerFrames.split(PeerFrames.join(List.of(data), heartbeat).getPayload()))
			.containsExactly(data.message().getPayload(), heartbeat.getPayload());
	}

	@Test
	void frameWithoutSeparatorIsOneEnvelope() {
		String frame = "{\"v\":1}";
		assertThat(PeerFrames.split(frame)).containsExactly(frame);
	}

	@Test
	void emptyLinesAreKeptSoThatTheReaderRejectsThem() {
		assertThat(PeerFrames.split("a\n\nb\n")).containsExactly("a", "", "b", "");
	}

	private PeerChannel.Outbound outbound(long sequence, String payload) {
		TextMessage message = this.codec.write(Envelope.broadcast("origin", String.valueOf(sequence), payload)
			.withSequence(sequence));
		return new PeerChannel.Outbound(sequence, message, message.getPayloadLength(), null);
	}

}

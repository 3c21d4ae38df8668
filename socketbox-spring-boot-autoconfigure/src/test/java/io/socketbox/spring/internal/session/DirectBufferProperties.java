package io.socketbox.spring.internal.session;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import io.socketbox.spring.internal.OutboundText;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buffer of a session's messages, for any messages and any position a client claims
 * to have: the replay is exactly what the client missed that is still kept, in order,
 * and says there is a gap exactly when something it missed is no longer kept.
 */
class DirectBufferProperties {

	@Property(tries = 500)
	void theReplayIsWhatTheClientMissedOrAGap(@ForAll @Size(max = 40) List<@StringLength(max = 30) String> texts,
			@ForAll @IntRange(min = 1, max = 20) int maxCount, @ForAll @IntRange(min = 1, max = 600) int maxBytes,
			@ForAll @IntRange(min = 0, max = 50) int received) {
		DirectBuffer buffer = new DirectBuffer(maxCount, maxBytes);
		for (String text : texts) {
			buffer.add(OutboundText.of(text));
		}
		assertThat(buffer.last()).isEqualTo(texts.size());
		DirectBuffer.Replay replay = buffer.replayAfter(received);
		List<String> replayed = replay.frames().stream().map(OutboundText::text).toList();
		// Every replayed frame is one the client missed, numbered as sent, in order,
		// and they end with the last message
		for (int i = 0; i < replayed.size(); i++) {
			long seq = texts.size() - replayed.size() + 1 + i;
			assertThat(seq).isGreaterThan(received);
			assertThat(replayed.get(i)).isEqualTo("d " + seq + " " + OutboundText.of(texts.get((int) seq - 1)).text());
		}
		long missed = Math.max(0, texts.size() - received);
		assertThat(replay.gap()).isEqualTo(replayed.size() < missed);
		assertThat(replayed.size()).isLessThanOrEqualTo(maxCount);
		assertThat(buffer.bytes()).isLessThanOrEqualTo(maxBytes);
	}

}

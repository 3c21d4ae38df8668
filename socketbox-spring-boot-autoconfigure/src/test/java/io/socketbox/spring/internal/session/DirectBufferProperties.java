package io.socketbox.spring.internal.session;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.testsupport.HostileStrings;

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


	@Property(tries = 500)
	void aHandedOverBufferIsTakenOnlyIfItIsNumberedInOrder(
			@ForAll("handedOver") List<String> frames, @ForAll @IntRange(min = -3, max = 20) int last) {
		DirectBuffer buffer = new DirectBuffer(100, 64 * 1024);
		boolean wellFormed = last >= 0 && isInOrder(frames, last);
		try {
			buffer.restore(last, frames);
			assertThat(wellFormed).as("taken although malformed").isTrue();
			assertThat(buffer.last()).isEqualTo(last);
			assertThat(buffer.frames()).isEqualTo(frames);
			// Numbering goes on after the last seq handed over
			assertThat(buffer.add(OutboundText.of("next")).text()).isEqualTo("d " + (last + 1) + " next");
		}
		catch (IllegalArgumentException ex) {
			assertThat(wellFormed).as("refused although well-formed").isFalse();
		}
	}

	@Property(tries = 300)
	void aBufferHandedOverIsTheSameOnTheHeir(@ForAll @Size(max = 40) List<@StringLength(max = 30) String> texts) {
		DirectBuffer home = new DirectBuffer(20, 2000);
		texts.forEach((text) -> home.add(OutboundText.of(text)));
		DirectBuffer heir = new DirectBuffer(20, 2000);
		heir.restore(home.last(), home.frames());
		assertThat(heir.frames()).isEqualTo(home.frames());
		assertThat(heir.replayAfter(0).frames()).extracting(OutboundText::text)
			.isEqualTo(home.replayAfter(0).frames().stream().map(OutboundText::text).toList());
	}

	@Provide
	Arbitrary<List<String>> handedOver() {
		Arbitrary<String> frame = Arbitraries.oneOf(
				Arbitraries.integers().between(0, 25).map((seq) -> "d " + seq + " text"),
				Arbitraries.of("d 1", "d  1 x", "d x y", "b 1 x", "d -1 x", "d 99999999999999999999 x", "d 01 x", ""),
				HostileStrings.upTo(20));
		return frame.list().ofMaxSize(8);
	}

	private static boolean isInOrder(List<String> frames, long last) {
		long previous = 0;
		for (String frame : frames) {
			Matcher matcher = Pattern.compile("d ([0-9]{1,18}) .*", Pattern.DOTALL).matcher(frame);
			if (!matcher.matches()) {
				return false;
			}
			long seq = Long.parseLong(matcher.group(1));
			if (seq <= previous || seq > last) {
				return false;
			}
			previous = seq;
		}
		return true;
	}

}

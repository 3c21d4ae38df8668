package io.socketbox.spring.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.testsupport.HostileFrames;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.RawWebSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whatever a peer that knows the secret writes on its link after a real handshake,
 * bytes that are no valid WebSocket or frames around the maximum frame size, costs at
 * most that peer its own link: the browsers keep receiving and the link between the two
 * real nodes stays up.
 */
class PeerFrameProperties extends SmallLimitsCluster {

	@Property(tries = 30, shrinking = ShrinkingMode.OFF)
	void hostileBytesCostAtMostThePeerItsLink(@ForAll("chunks") List<byte[]> chunks) {
		try (FakePeer peer = new FakePeer(cluster.nodeA())) {
			for (byte[] chunk : chunks) {
				if (!peer.socket().write(chunk)) {
					break;
				}
			}
		}
		// Node A drops, and counts, what it had queued for the fake peer
		cluster.assertUnharmed(false);
	}

	@Property(tries = 30, shrinking = ShrinkingMode.OFF)
	void frameUpToTheMaximumSizeIsDeliveredAndOneOverClosesOnlyThatLink(@ForAll("text") String text,
			@ForAll @IntRange(min = -1, max = 1) int offset) {
		try (FakePeer peer = new FakePeer(cluster.nodeA())) {
			String frame = frameOfLength(peer, OutboundText.toWellFormed(text), FuzzCluster.MAX_FRAME_SIZE + offset);
			String payload = new EnvelopeCodec().read(frame).payload();
			List<Integer> before = cluster.received();
			assertThat(peer.socket().write(RawWebSocket.frame(RawWebSocket.TEXT, frame.getBytes(StandardCharsets.UTF_8))))
				.isTrue();
			if (offset <= 0) {
				for (int i = 0; i < 2; i++) {
					int watcher = i;
					await().atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(2))
						.until(() -> cluster.watchers().get(watcher).client().messages().size() > before.get(watcher));
					assertThat(cluster.watchers().get(watcher).client().messages().get(before.get(watcher)))
						.isEqualTo(payload);
				}
			}
			else {
				assertThat(peer.socket().awaitClosedByServer(Duration.ofSeconds(10))).as("fake peer's link closed")
					.isTrue();
			}
		}
		cluster.assertUnharmed(false);
	}

	@Provide
	Arbitrary<List<byte[]>> chunks() {
		return HostileFrames.chunks("");
	}

	@Provide
	Arbitrary<String> text() {
		return HostileStrings.upTo(FuzzCluster.MAX_FRAME_SIZE / 8);
	}

	/**
	 * A broadcast frame of exactly the given number of UTF-16 characters, the unit of the
	 * limit: the text, then padding.
	 */
	private static String frameOfLength(FakePeer peer, String text, int length) {
		String frame = peer.broadcast(1, text);
		int padding = length - frame.length();
		assertThat(padding).isNotNegative();
		String padded = peer.broadcast(1, text + "x".repeat(padding));
		assertThat(padded).hasSize(length);
		return padded;
	}

}

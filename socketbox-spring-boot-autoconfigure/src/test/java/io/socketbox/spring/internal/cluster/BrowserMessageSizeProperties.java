package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;

import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Browser messages of every shape around the text message size limit on a real two-node
 * cluster (one below, at, one above, in UTF-16 characters, the unit of the limit): up to
 * the limit the application broadcasts them and everyone gets them; one over closes only
 * the sender (1009). Characters that JSON escapes make the frame between the nodes up to
 * six times as long as the message.
 */
class BrowserMessageSizeProperties extends SmallLimitsCluster {

	@Property(tries = 30, shrinking = ShrinkingMode.OFF)
	void messageUpToTheSizeLimitIsBroadcastAndOneOverClosesOnlyItsSender(@ForAll("text") String text,
			@ForAll @IntRange(min = -1, max = 1) int offset, @ForAll boolean onNodeB) {
		String message = padded(TestNodeApplication.BROADCAST_PREFIX + OutboundText.toWellFormed(text),
				FuzzCluster.MAX_TEXT_MESSAGE_SIZE + offset);
		String broadcast = message.substring(TestNodeApplication.BROADCAST_PREFIX.length());
		ConnectedClient sender = (onNodeB ? cluster.nodeB() : cluster.nodeA()).connect(null);
		try {
			List<Integer> before = cluster.received();
			sender.client().send(message);
			if (offset <= 0) {
				for (int i = 0; i < cluster.watchers().size(); i++) {
					ConnectedClient watcher = cluster.watchers().get(i);
					int count = before.get(i);
					await().atMost(Duration.ofSeconds(10))
						.pollInterval(Duration.ofMillis(2))
						.until(() -> watcher.client().messages().size() > count);
					assertThat(watcher.client().messages().get(count)).isEqualTo(broadcast);
				}
				cluster.assertUnharmed(sender);
			}
			else {
				assertThat(sender.client().awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
				cluster.assertUnharmed();
				assertThat(cluster.watchers()).allSatisfy((watcher) -> assertThat(watcher.client().messages())
					.doesNotContain(broadcast));
			}
		}
		finally {
			sender.client().close();
		}
	}

	@Provide
	Arbitrary<String> text() {
		// Characters that JSON escapes make the frames between the nodes up to six times
		// as long as the text
		return Arbitraries.oneOf(HostileStrings.upTo(FuzzCluster.MAX_TEXT_MESSAGE_SIZE),
				HostileStrings.piece().map((piece) -> piece.repeat(FuzzCluster.MAX_TEXT_MESSAGE_SIZE)),
				Arbitraries.of("\u0001", "\u001f", "\"", "\\", "\n")
					.map((escaped) -> escaped.repeat(FuzzCluster.MAX_TEXT_MESSAGE_SIZE)));
	}

	/**
	 * Cut or pad the text to exactly the given number of UTF-16 characters (the unit of
	 * the limit), without splitting a surrogate pair.
	 */
	static String padded(String text, int length) {
		if (text.length() <= length) {
			return text + "x".repeat(length - text.length());
		}
		int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
		return text.substring(0, end) + "x".repeat(length - end);
	}

}

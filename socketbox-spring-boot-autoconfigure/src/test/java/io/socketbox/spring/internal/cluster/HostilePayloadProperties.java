package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.JsonStrings;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Arbitrary text, lone surrogates and all, as the payload of every kind of send on one
 * node of a real two-node cluster, and in a browser's JSON chat frame: each recipient
 * gets the text with its lone surrogates replaced, and nobody else is hurt. A lone
 * surrogate once closed innocent clients and sent the link between the nodes into a
 * close and reconnect loop.
 */
class HostilePayloadProperties extends FuzzClusterProperties {

	@Property(tries = 40, shrinking = ShrinkingMode.OFF)
	void broadcastReachesEveryConnection(@ForAll("hostile") String text) {
		List<Integer> before = cluster.received();
		cluster.nodeA().messaging().broadcast(text);
		cluster.assertUnharmed();
		for (int i = 0; i < cluster.watchers().size(); i++) {
			assertReceivedOnce(cluster.watchers().get(i), before.get(i), text);
		}
	}

	@Property(tries = 30, shrinking = ShrinkingMode.OFF)
	void sendReachesAConnectionOnEitherNode(@ForAll("hostile") String text) throws Exception {
		List<Integer> before = cluster.received();
		ConnectedClient local = cluster.watchers().get(1);
		ConnectedClient remote = cluster.watchers().get(3);
		assertThat(cluster.nodeA().messaging().send(local.id(), text).get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		assertThat(cluster.nodeA().messaging().send(remote.id(), text).get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		cluster.assertUnharmed();
		assertReceivedOnce(local, before.get(1), text);
		assertReceivedOnce(remote, before.get(3), text);
		assertReceivedNothing(cluster.watchers().get(0), before.get(0));
		assertReceivedNothing(cluster.watchers().get(2), before.get(2));
	}

	@Property(tries = 30, shrinking = ShrinkingMode.OFF)
	void sendToUserReachesTheUserOnBothNodes(@ForAll("hostile") String text) throws Exception {
		List<Integer> before = cluster.received();
		assertThat(cluster.nodeA().messaging().sendToUser(FuzzCluster.USER, text).get(10, TimeUnit.SECONDS))
			.isEqualTo(2);
		cluster.assertUnharmed();
		assertReceivedOnce(cluster.watchers().get(0), before.get(0), text);
		assertReceivedOnce(cluster.watchers().get(2), before.get(2), text);
		assertReceivedNothing(cluster.watchers().get(1), before.get(1));
		assertReceivedNothing(cluster.watchers().get(3), before.get(3));
	}

	@Property(tries = 40, shrinking = ShrinkingMode.OFF)
	void chatFromABrowserReachesEveryConnection(@ForAll("hostile") String text) {
		List<Integer> before = cluster.received();
		ConnectedClient sender = cluster.watchers().get(1);
		sender.client().send(TestNodeApplication.CHAT_PREFIX + "{\"type\":\"chat\",\"text\":" + JsonStrings.literal(text) + "}");
		awaitOneMessageEach(before);
		cluster.assertUnharmed();
		for (int i = 0; i < cluster.watchers().size(); i++) {
			assertReceivedOnce(cluster.watchers().get(i), before.get(i), text);
		}
	}

	@Property(tries = 20, shrinking = ShrinkingMode.OFF)
	void wellFormedTextFromABrowserArrivesAsItIs(@ForAll("hostile") String text) {
		String wellFormed = OutboundText.toWellFormed(text);
		List<Integer> before = cluster.received();
		cluster.watchers().get(3).client().send(TestNodeApplication.BROADCAST_PREFIX + wellFormed);
		awaitOneMessageEach(before);
		cluster.assertUnharmed();
		for (int i = 0; i < cluster.watchers().size(); i++) {
			assertReceivedOnce(cluster.watchers().get(i), before.get(i), wellFormed);
		}
	}

	@Provide
	Arbitrary<String> hostile() {
		return HostileStrings.upTo(4_000);
	}

	/**
	 * A browser's frame is handled on the node while the test goes on: wait for what it
	 * broadcast before the markers go, which would otherwise overtake it.
	 */
	private static void awaitOneMessageEach(List<Integer> before) {
		for (int i = 0; i < cluster.watchers().size(); i++) {
			ConnectedClient watcher = cluster.watchers().get(i);
			int count = before.get(i);
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(2))
				.until(() -> !sinceTry(watcher, count).isEmpty());
		}
	}

	/**
	 * What the client received since the try began, but for markers, is the text once,
	 * with its lone surrogates replaced.
	 */
	private static void assertReceivedOnce(ConnectedClient client, int before, String text) {
		assertThat(sinceTry(client, before)).containsExactly(OutboundText.toWellFormed(text));
	}

	private static void assertReceivedNothing(ConnectedClient client, int before) {
		assertThat(sinceTry(client, before)).isEmpty();
	}

	private static List<String> sinceTry(ConnectedClient client, int before) {
		List<String> messages = client.client().messages();
		return messages.subList(before, messages.size())
			.stream()
			.filter((message) -> !message.startsWith("marker-"))
			.toList();
	}

}

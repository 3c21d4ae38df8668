package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMessageTooLargeException;
import io.socketbox.spring.ClusterMessages;
import io.socketbox.spring.internal.cluster.MessageListeners.Flaky;
import io.socketbox.spring.internal.cluster.MessageListeners.Invalidate;
import io.socketbox.spring.internal.cluster.MessageListeners.Unheard;
import io.socketbox.spring.testsupport.ClusterFixture;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Custom cluster messages between nodes on real ports: to every other node and to one,
 * once each and in order per sender, across a link cut shorter than the resend window,
 * and with an oversized message or a listener that throws hurting nothing else.
 */
class ClusterMessagesIntegrationTests {

	/**
	 * Small, so that oversized messages are quick to make.
	 */
	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private static final String[] PROPERTIES = { "socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B",
			"spring.main.sources=" + MessageListeners.class.getName() };

	private static final Duration AWAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final ClusterFixture cluster = new ClusterFixture("msg-shared:", PROPERTIES);

	@Test
	void aMessageToAllReachesEveryOtherNodeOnceAndNotThePublisher() {
		Node a = cluster.shared().get(0);
		String cache = "all-" + System.nanoTime();
		Set<String> queuedFor = messages(a).publish(new Invalidate(cache, 1));
		assertThat(queuedFor).containsExactlyInAnyOrder(cluster.shared().get(1).id(), cluster.shared().get(2).id());
		for (Node other : cluster.shared().subList(1, 3)) {
			await().atMost(AWAIT).until(() -> count(other, cache) == 1);
		}
		// A marker published after it, from the same node, has arrived everywhere: the
		// first message had its chance to arrive twice or at the publisher
		String marker = "marker-" + System.nanoTime();
		messages(a).publish(new Invalidate(marker, 2));
		for (Node other : cluster.shared().subList(1, 3)) {
			await().atMost(AWAIT).until(() -> count(other, marker) == 1);
			assertThat(count(other, cache)).isEqualTo(1);
			assertThat(listeners(other).received()).filteredOn((received) -> received.message().cache().equals(cache))
				.singleElement()
				.satisfies((received) -> {
					assertThat(received.sender()).isEqualTo(a.id());
					assertThat(received.thread()).startsWith("socketbox-cluster-message-");
				});
		}
		assertThat(count(a, cache)).isZero();
		assertThat(count(a, marker)).isZero();
	}

	@Test
	void aMessageToOneNodeReachesOnlyThatNode() {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		Node c = cluster.shared().get(2);
		String cache = "one-" + System.nanoTime();
		assertThat(messages(a).publish(b.id(), new Invalidate(cache, 1))).isTrue();
		await().atMost(AWAIT).until(() -> count(b, cache) == 1);
		// Published to C after the first message, from the same node
		String marker = "marker-" + System.nanoTime();
		assertThat(messages(a).publish(c.id(), new Invalidate(marker, 2))).isTrue();
		await().atMost(AWAIT).until(() -> count(c, marker) == 1);
		assertThat(count(c, cache)).isZero();
		assertThat(count(a, cache)).isZero();
		assertThat(count(b, cache)).isEqualTo(1);
		assertThat(messages(a).publish("no-such-node", new Invalidate(cache, 3))).isFalse();
		assertThat(messages(a).publish(a.id(), new Invalidate(cache, 4))).isFalse();
	}

	@Test
	void anOversizedMessageFailsThatPublishOnly() {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		String cache = "big-" + System.nanoTime();
		// Too large as JSON already
		assertThatExceptionOfType(ClusterMessageTooLargeException.class)
			.isThrownBy(() -> messages(a).publish(new Invalidate("x".repeat(MAX_FRAME_SIZE), 1)))
			.withMessageContaining(Invalidate.class.getName())
			.withMessageContaining("bytes >");
		// Small enough as JSON, too large once escaped again in its frame
		assertThatExceptionOfType(ClusterMessageTooLargeException.class)
			.isThrownBy(() -> messages(a).publish(b.id(), new Invalidate("\"".repeat(MAX_FRAME_SIZE / 3), 2)))
			.withMessageContaining("max-frame-size");
		assertThat(messages(a).publish(b.id(), new Invalidate(cache, 3))).isTrue();
		await().atMost(AWAIT).until(() -> count(b, cache) == 1);
		assertThat(listeners(b).received()).noneMatch((received) -> received.message().cache().length() > 1000);
		assertThat(a.isLinkedTo(b)).isTrue();
		assertThat(b.isLinkedTo(a)).isTrue();
	}

	@Test
	void aListenerThatThrowsDoesNotStopTheNextMessages() {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		int before = listeners(b).flaky().size();
		long failuresBefore = dispatcher(b).getListenerFailures();
		for (int n = 1; n <= 10; n++) {
			messages(a).publish(b.id(), new Flaky(n));
		}
		await().atMost(AWAIT).until(() -> listeners(b).flaky().size() >= before + 10);
		List<Integer> flaky = listeners(b).flaky();
		assertThat(flaky.subList(before, flaky.size())).containsExactlyElementsOf(oneTo(10));
		assertThat(dispatcher(b).getListenerFailures() - failuresBefore).isEqualTo(5);
		assertThat(a.isLinkedTo(b)).isTrue();
	}

	@Test
	void aTypeWithoutAListenerIsCountedAndSkipped() {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		long unknownBefore = dispatcher(b).getUnknownType();
		assertThat(messages(a).publish(b.id(), new Unheard("nobody listens"))).isTrue();
		String marker = "marker-" + System.nanoTime();
		messages(a).publish(b.id(), new Invalidate(marker, 1));
		await().atMost(AWAIT).until(() -> count(b, marker) == 1);
		assertThat(dispatcher(b).getUnknownType() - unknownBefore).isEqualTo(1);
	}

	@Test
	void numberedMessagesCrossALinkCutShorterThanTheResendWindowOnceEachAndInOrder() {
		ClusterNodes own = cluster.own("msg-cut:");
		TcpProxy proxyA = cluster.proxy();
		TcpProxy proxyB = cluster.proxy();
		String[] fast = { "socketbox.cluster.heartbeat-interval=250ms", "socketbox.cluster.heartbeat-timeout=1s",
				"socketbox.cluster.resend-window=10s" };
		Node a = own.startBehind(proxyA, fast);
		Node b = own.startBehind(proxyB, fast);
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		int total = 600;
		int n = 0;
		while (n < 200) {
			messages(a).publish(new Invalidate("stream", ++n));
		}
		await().atMost(AWAIT).until(() -> listeners(b).numbersFrom(a.id()).size() >= 100);
		long cutAt = System.nanoTime();
		proxyA.cut();
		proxyB.cut();
		await().atMost(AWAIT).until(() -> !a.isLinkedTo(b) && !b.isLinkedTo(a));
		while (n < 400) {
			// Queued for B while its link is down: B stays a member within the resend window
			assertThat(messages(a).publish(new Invalidate("stream", ++n))).containsExactly(b.id());
		}
		// Down past the heartbeat timeout (B unreachable), well within the resend window
		await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !b.isLinkedTo(a));
		proxyA.restore();
		proxyB.restore();
		Duration outage = Duration.ofNanos(System.nanoTime() - cutAt);
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		while (n < total) {
			messages(a).publish(new Invalidate("stream", ++n));
		}
		await().atMost(AWAIT).until(() -> listeners(b).numbersFrom(a.id()).size() >= total);
		System.out.printf("[cluster messages, link cut] outage %d ms, %d messages, %d received%n", outage.toMillis(),
				total, listeners(b).numbersFrom(a.id()).size());
		assertThat(listeners(b).numbersFrom(a.id())).containsExactlyElementsOf(oneTo(total));
		assertThat(a.context().getBean(ClusterMessaging.class).getDroppedMessages()).isZero();
	}

	@Test
	void aBurstToOneNodeArrivesCompleteAndInOrder() {
		ClusterNodes own = cluster.own("msg-burst:");
		Node a = own.start();
		Node b = own.start();
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		int total = 20_000;
		long start = System.nanoTime();
		for (int n = 1; n <= total; n++) {
			assertThat(messages(a).publish(b.id(), new Invalidate("burst", n))).isTrue();
		}
		long published = System.nanoTime();
		await().atMost(Duration.ofSeconds(60)).until(() -> listeners(b).numbersFrom(a.id()).size() >= total);
		long received = System.nanoTime();
		System.out.printf("[cluster messages, burst] %d messages to one node: published in %d ms, all received "
				+ "after %d ms (%.0f messages/s)%n", total, (published - start) / 1_000_000,
				(received - start) / 1_000_000, total / ((received - start) / 1e9));
		assertThat(listeners(b).numbersFrom(a.id())).containsExactlyElementsOf(oneTo(total));
	}

	private static List<Integer> oneTo(int last) {
		return IntStream.rangeClosed(1, last).boxed().toList();
	}

	private static long count(Node node, String cache) {
		return listeners(node).received().stream().filter((received) -> received.message().cache().equals(cache)).count();
	}

	private static ClusterMessages messages(Node node) {
		return node.context().getBean(ClusterMessages.class);
	}

	private static MessageListeners listeners(Node node) {
		return node.context().getBean(MessageListeners.class);
	}

	private static ClusterMessageDispatcher dispatcher(Node node) {
		return node.context().getBean(ClusterMessageDispatcher.class);
	}

}

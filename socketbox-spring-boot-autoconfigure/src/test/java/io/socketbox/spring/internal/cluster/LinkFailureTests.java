package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.MessagesDroppedEvent;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.NumberedStream;
import io.socketbox.spring.testsupport.TcpProxy;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes whose link runs through {@link TcpProxy proxies} that the tests cut or
 * silence while node A broadcasts a numbered stream to a client on node B. Each test
 * asserts exactly which numbers arrive, and prints how long detection and recovery took.
 */
class LinkFailureTests {

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

	private static final String[] FAST_TIMEOUTS = { "socketbox.cluster.heartbeat-interval=250ms",
			"socketbox.cluster.heartbeat-timeout=1s" };

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private TcpProxy proxyA;

	private TcpProxy proxyB;

	private Node a;

	private Node b;

	@BeforeEach
	void createProxies(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":",
				TestServers.PROPERTY + "=" + server());
		this.proxyA = new TcpProxy();
		this.proxyB = new TcpProxy();
	}

	/**
	 * Return the nodes' servlet container.
	 * @return {@code tomcat} or {@code jetty}
	 */
	String server() {
		return "tomcat";
	}

	@AfterEach
	void stop() {
		this.nodes.close();
		this.proxyA.close();
		this.proxyB.close();
	}

	@Test
	void framesUpToTheFrameLimitCrossTheLinkBothWays() throws Exception {
		startPair();
		ConnectedClient onA = this.a.connect(null);
		ConnectedClient onB = this.b.connect(null);
		// Far above Jetty's 64 KB frame size (it splits a larger frame it reads), within
		// max-frame-size (1 MB); each node receives one, whichever of them dialed
		String large = "x".repeat(300 * 1024);
		assertThat(this.a.messaging().send(onB.id(), "from-a:" + large).get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		assertThat(this.b.messaging().send(onA.id(), "from-b:" + large).get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		assertThat(onB.client().awaitMessageStartingWith("from-a:")).hasSize(large.length() + 7);
		assertThat(onA.client().awaitMessageStartingWith("from-b:")).hasSize(large.length() + 7);
		assertThat(this.a.isLinkedTo(this.b) && this.b.isLinkedTo(this.a)).as("still linked").isTrue();
	}

	@Test
	void linkCutForLessThanTheResendWindowLosesNothing() {
		startPair();
		ConnectedClient client = this.b.connect(null);
		try (NumberedStream stream = NumberedStream.start(this.a.messaging(), "n:", Duration.ofMillis(5))) {
			awaitNumbers(client, stream, 50);
			int sentAtCut = stream.sent();
			long cutAt = System.nanoTime();
			cut();
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> !this.b.isLinkedTo(this.a));
			Duration detected = since(cutAt);
			// The outage must last a stated time; during() also checks that nothing
			// got through the proxy meanwhile
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> !this.a.isLinkedTo(this.b) && !this.b.isLinkedTo(this.a));
			int sentDuringCut = stream.sent() - sentAtCut;
			long restoredAt = System.nanoTime();
			Duration outage = Duration.ofNanos(restoredAt - cutAt);
			restore();
			awaitLinked();
			Duration relinked = since(restoredAt);
			int last = finish(stream, client);
			System.out.printf("[link cut] outage %d ms, B saw the link down after %d ms, relinked %d ms after restore, "
					+ "%d messages sent, %d of them during the outage%n", millis(outage), millis(detected),
					millis(relinked), last, sentDuringCut);
			assertThat(stream.numbersIn(client.client().messages())).containsExactlyElementsOf(NumberedStream.oneTo(last));
		}
	}

	@Test
	void silentLinkIsClosedAfterTheHeartbeatTimeoutAndResumesWithoutLoss() {
		startPair();
		ConnectedClient client = this.b.connect(null);
		try (NumberedStream stream = NumberedStream.start(this.a.messaging(), "n:", Duration.ofMillis(5))) {
			awaitNumbers(client, stream, 50);
			long silencedAt = System.nanoTime();
			blackhole();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> !this.b.isLinkedTo(this.a));
			Duration detectedByB = since(silencedAt);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> !this.a.isLinkedTo(this.b));
			Duration detectedByA = since(silencedAt);
			long restoredAt = System.nanoTime();
			restore();
			awaitLinked();
			Duration relinked = since(restoredAt);
			int last = finish(stream, client);
			System.out.printf("[link silent] heartbeat interval %d ms, timeout %d ms: B (receiving the stream) closed "
					+ "the link after %d ms, A after %d ms; relinked %d ms after restore; %d messages sent%n",
					millis(HEARTBEAT_INTERVAL), millis(HEARTBEAT_TIMEOUT), millis(detectedByB), millis(detectedByA),
					millis(relinked), last);
			assertThat(stream.numbersIn(client.client().messages())).containsExactlyElementsOf(NumberedStream.oneTo(last));
			// B received a frame every 5 ms until the link went silent
			assertThat(detectedByB).isGreaterThanOrEqualTo(HEARTBEAT_TIMEOUT.minus(HEARTBEAT_INTERVAL))
				.isLessThanOrEqualTo(HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plusMillis(750));
			assertThat(detectedByA).isLessThanOrEqualTo(HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plusMillis(750));
		}
	}

	@Test
	void linkCutForLongerThanTheResendWindowCountsAndReportsTheLoss() {
		startPair("socketbox.cluster.resend-window=2s", FAST_TIMEOUTS[0], FAST_TIMEOUTS[1]);
		List<MessagesDroppedEvent> events = new CopyOnWriteArrayList<>();
		this.a.context().addApplicationListener((ApplicationListener<ApplicationEvent>) (event) -> {
			if (event instanceof MessagesDroppedEvent dropped) {
				events.add(dropped);
			}
		});
		ClusterMessaging messagingA = this.a.context().getBean(ClusterMessaging.class);
		ConnectedClient client = this.b.connect(null);
		try (NumberedStream stream = NumberedStream.start(this.a.messaging(), "n:", Duration.ofMillis(10))) {
			awaitNumbers(client, stream, 30);
			long cutAt = System.nanoTime();
			cut();
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
				.until(() -> messagingA.getDroppedMessages() > 0);
			Duration expiredAfter = since(cutAt);
			// Held a stated time past expiry, so that messages sent to an expired peer
			// are dropped (and counted) as well
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !this.a.isLinkedTo(this.b));
			restore();
			awaitLinked();
			int last = finish(stream, client);
			List<Integer> received = stream.numbersIn(client.client().messages());
			long lost = last - received.size();
			System.out.printf("[link cut past resend window 2 s] buffer dropped %d ms after the cut; %d messages sent, "
					+ "%d delivered, %d lost, %d counted as dropped, %d MessagesDroppedEvent(s) %s%n", millis(expiredAfter),
					last, received.size(), lost, messagingA.getDroppedMessages(), events.size(),
					events.stream().map(MessagesDroppedEvent::getCount).toList());
			assertThat(received).doesNotHaveDuplicates().isSorted().startsWith(1, 2, 3).endsWith(last);
			assertThat(gapsIn(received)).as("gaps in %s", received).hasSize(1);
			assertThat(lost).isPositive();
			assertThat(messagingA.getDroppedMessages()).isEqualTo(lost);
			assertThat(events).isNotEmpty().allSatisfy((event) -> assertThat(event.getPeerId()).isEqualTo(this.b.id()));
		}
	}

	@Test
	void directSendToAnUnreachableNodeFailsFast() throws Exception {
		startPair(FAST_TIMEOUTS);
		ConnectedClient target = this.b.connect(null);
		assertThat(this.a.messaging().send(target.id(), "before").get(5, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		long cutAt = System.nanoTime();
		cut();
		// Sent before the peer counts as unreachable: buffered, then failed at the timeout
		CompletableFuture<SendResult> duringOutage = this.a.messaging().send(target.id(), "during-outage");
		assertThat(duringOutage.get(10, TimeUnit.SECONDS)).isEqualTo(SendResult.NODE_UNREACHABLE);
		Duration firstFailedAfter = since(cutAt);
		long sentAt = System.nanoTime();
		SendResult afterTimeout = this.a.messaging().send(target.id(), "after-timeout").get(5, TimeUnit.SECONDS);
		Duration failedAfter = since(sentAt);
		System.out.printf("[unreachable] heartbeat timeout 1 s, reply timeout 5 s: a send queued at the cut failed "
				+ "after %d ms, a send past the timeout after %d ms%n", millis(firstFailedAfter), millis(failedAfter));
		assertThat(afterTimeout).isEqualTo(SendResult.NODE_UNREACHABLE);
		assertThat(failedAfter).isLessThan(Duration.ofMillis(200));
		assertThat(firstFailedAfter).isLessThan(Duration.ofMillis(1250 + 750));
		restore();
		awaitLinked();
		assertThat(this.a.messaging().send(target.id(), "after-restore").get(5, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		target.client().awaitMessageStartingWith("after-restore");
		assertThat(target.client().messages()).contains("before").doesNotContain("during-outage", "after-timeout");
	}

	@Test
	void directSendToASilentNodeFailsWithinTheHeartbeatTimeout() throws Exception {
		startPair(FAST_TIMEOUTS);
		ConnectedClient target = this.b.connect(null);
		assertThat(this.a.messaging().send(target.id(), "before").get(5, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		long silencedAt = System.nanoTime();
		blackhole();
		// A paused node counts as dead once it has been silent for the timeout, however
		// long closing its link took
		SendResult result = this.a.messaging().send(target.id(), "during-silence").get(10, TimeUnit.SECONDS);
		Duration failedAfter = since(silencedAt);
		System.out.printf("[unreachable, silent] heartbeat interval 250 ms, timeout 1 s: a send queued when the link "
				+ "went silent failed after %d ms%n", millis(failedAfter));
		assertThat(result).isEqualTo(SendResult.NODE_UNREACHABLE);
		assertThat(failedAfter).isLessThan(Duration.ofMillis(1000 + 250 + 500));
		// Both sides have given up on the silent link; what it still holds must not
		// arrive once the network carries it again
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.b.isLinkedTo(this.a));
		restore();
		awaitLinked();
		assertThat(this.a.messaging().send(target.id(), "after-restore").get(5, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		target.client().awaitMessageStartingWith("after-restore");
		assertThat(target.client().messages()).doesNotContain("during-silence");
	}

	/**
	 * Start A and B, each reachable by the other only through its own proxy, since
	 * either may be the one that dials.
	 */
	private void startPair(String... properties) {
		this.a = startBehind(this.proxyA, properties);
		this.b = startBehind(this.proxyB, properties);
		awaitLinked();
	}

	private Node startBehind(TcpProxy proxy, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("socketbox.cluster.name=ws://127.0.0.1:" + proxy.getPort() + "/socketbox/cluster");
		Node node = this.nodes.start(all.toArray(String[]::new));
		proxy.setTarget(node.port());
		return node;
	}

	private void awaitLinked() {
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.a.isLinkedTo(this.b) && this.b.isLinkedTo(this.a));
	}

	private void cut() {
		this.proxyA.cut();
		this.proxyB.cut();
	}

	private void blackhole() {
		this.proxyA.blackhole();
		this.proxyB.blackhole();
	}

	private void restore() {
		this.proxyA.restore();
		this.proxyB.restore();
	}

	private static void awaitNumbers(ConnectedClient client, NumberedStream stream, int count) {
		await().atMost(Duration.ofSeconds(10)).until(() -> stream.numbersIn(client.client().messages()).size() >= count);
	}

	/**
	 * Let the stream run on for 50 more messages after the link is back, stop it and
	 * wait for its last message.
	 * @return the last number sent
	 */
	private static int finish(NumberedStream stream, ConnectedClient client) {
		int resumedAt = stream.sent();
		await().atMost(Duration.ofSeconds(10)).until(() -> stream.sent() >= resumedAt + 50);
		int last = stream.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> client.client().count("n:" + last) > 0);
		return last;
	}

	private static List<Integer> gapsIn(List<Integer> numbers) {
		List<Integer> gaps = new ArrayList<>();
		for (int i = 1; i < numbers.size(); i++) {
			if (numbers.get(i) != numbers.get(i - 1) + 1) {
				gaps.add(numbers.get(i - 1));
			}
		}
		return gaps;
	}

	private static Duration since(long nanoTime) {
		return Duration.ofNanos(System.nanoTime() - nanoTime);
	}

	private static long millis(Duration duration) {
		return duration.toMillis();
	}

}

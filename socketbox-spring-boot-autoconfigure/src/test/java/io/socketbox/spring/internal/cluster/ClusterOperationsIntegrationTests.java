package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterCall;
import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterCallResult.Status;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.testsupport.ClusterFixture;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TcpProxy;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Cluster operations between nodes on real ports: calls to one node and to all of them,
 * and every way a call can fail, each ending with a result within its bound.
 */
class ClusterOperationsIntegrationTests {

	/**
	 * Small, so that oversized arguments and results are quick to make.
	 */
	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private static final String[] PROPERTIES = { "socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B",
			"spring.main.sources=" + Operations.class.getName() };

	private static final Duration AWAIT = Duration.ofSeconds(15);

	@RegisterExtension
	static final ClusterFixture cluster = new ClusterFixture("rpc-shared:", PROPERTIES);

	@BeforeEach
	void resetOperations() {
		Operations.reset();
	}

	@AfterEach
	void releaseOperations() {
		Operations.release.countDown();
	}

	@Test
	void callsOneNodeWithATypedAndAGenericResult() throws Exception {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		ClusterCallResult<Integer> sum = operations(a).call(b.id(), "add", Integer.class, 2, 3)
			.get(10, TimeUnit.SECONDS);
		assertThat(sum).isEqualTo(ClusterCallResult.ok(b.id(), 5));
		ClusterCallResult<Map<String, List<Integer>>> rooms = operations(a)
			.call(b.id(), ClusterCall.of("rooms", new ParameterizedTypeReference<Map<String, List<Integer>>>() {
			}, "lobby"))
			.get(10, TimeUnit.SECONDS);
		assertThat(rooms.status()).isEqualTo(Status.OK);
		assertThat(rooms.value()).containsExactly(Map.entry("lobby", List.of(1, 2, 3)));
		assertThat(operations(a).call(a.id(), "node-id", String.class).get(10, TimeUnit.SECONDS).value())
			.isEqualTo(a.id());
	}

	@Test
	void callsAllNodesWithOrWithoutThisOne() throws Exception {
		Node a = cluster.shared().get(0);
		List<String> others = cluster.shared().stream().skip(1).map(Node::id).sorted().toList();
		Map<String, ClusterCallResult<String>> withSelf = operations(a)
			.callAll(ClusterCall.of("node-id", String.class), true)
			.get(10, TimeUnit.SECONDS);
		assertThat(withSelf.keySet()).containsExactly(a.id(), others.get(0), others.get(1));
		withSelf.forEach((nodeId, result) -> assertThat(result).isEqualTo(ClusterCallResult.ok(nodeId, nodeId)));
		Map<String, ClusterCallResult<String>> withoutSelf = operations(a)
			.callAll(ClusterCall.of("node-id", String.class), false)
			.get(10, TimeUnit.SECONDS);
		assertThat(withoutSelf.keySet()).containsExactlyElementsOf(others);
		withoutSelf.forEach((nodeId, result) -> assertThat(result).isEqualTo(ClusterCallResult.ok(nodeId, nodeId)));
	}

	@Test
	void unknownOperationGivesAResultPerNode() throws Exception {
		Map<String, ClusterCallResult<String>> results = operations(cluster.shared().get(0))
			.callAll(ClusterCall.of("no-such-operation", String.class), true)
			.get(10, TimeUnit.SECONDS);
		assertThat(results).hasSize(3).allSatisfy((nodeId, result) -> {
			assertThat(result.status()).isEqualTo(Status.UNKNOWN_OPERATION);
			assertThat(result.error()).contains("no-such-operation");
		});
	}

	@Test
	void anExceptionOfTheOperationReachesTheCaller() throws Exception {
		Node b = cluster.shared().get(1);
		ClusterCallResult<String> result = operations(cluster.shared().get(0)).call(b.id(), "fail", String.class, "boom on B")
			.get(10, TimeUnit.SECONDS);
		assertThat(result.status()).isEqualTo(Status.FAILED);
		assertThat(result.error()).isEqualTo("IllegalStateException: boom on B");
	}

	@Test
	void aSlowOperationTimesOutAndTheLinkGoesOn() throws Exception {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		long start = System.nanoTime();
		ClusterCallResult<String> result = operations(a)
			.call(b.id(), ClusterCall.of("slow", String.class).withTimeout(Duration.ofMillis(300)))
			.get(10, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(result.status()).isEqualTo(Status.TIMED_OUT);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
		assertThat(Operations.started.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(transport(a).pendingCount()).isZero();
		// The operation finishes on B later, and its late reply is ignored
		Operations.release.countDown();
		assertThat(operations(a).call(b.id(), "add", Integer.class, 1, 1).get(10, TimeUnit.SECONDS).value())
			.isEqualTo(2);
	}

	@Test
	void anOversizedArgumentFailsThatCallOnly() throws Exception {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		// Too large as JSON already
		ClusterCallResult<String> plain = operations(a).call(b.id(), "echo", String.class, "x".repeat(MAX_FRAME_SIZE))
			.get(10, TimeUnit.SECONDS);
		assertThat(plain.status()).isEqualTo(Status.FAILED);
		assertThat(plain.error()).startsWith("request too large").contains("bytes >");
		// Small enough as JSON, too large once escaped again in its frame
		ClusterCallResult<String> escaped = operations(a)
			.call(b.id(), "echo", String.class, "\"".repeat(MAX_FRAME_SIZE / 3))
			.get(10, TimeUnit.SECONDS);
		assertThat(escaped.status()).isEqualTo(Status.FAILED);
		assertThat(escaped.error()).startsWith("request too large").contains("max-frame-size");
		assertThat(operations(a).call(b.id(), "echo", String.class, "fits").get(10, TimeUnit.SECONDS))
			.isEqualTo(ClusterCallResult.ok(b.id(), "fits"));
		assertThat(a.isLinkedTo(b)).isTrue();
	}

	@Test
	void anOversizedResultFailsThatCallOnly() throws Exception {
		Node a = cluster.shared().get(0);
		Node b = cluster.shared().get(1);
		ClusterCallResult<String> plain = operations(a).call(b.id(), "repeat", String.class, "x", MAX_FRAME_SIZE)
			.get(10, TimeUnit.SECONDS);
		assertThat(plain.status()).isEqualTo(Status.FAILED);
		assertThat(plain.error()).startsWith("result too large").contains("bytes >");
		ClusterCallResult<String> escaped = operations(a)
			.call(b.id(), "repeat", String.class, "\"", MAX_FRAME_SIZE / 3)
			.get(10, TimeUnit.SECONDS);
		assertThat(escaped.status()).isEqualTo(Status.FAILED);
		assertThat(escaped.error()).startsWith("result too large").contains("max-frame-size");
		assertThat(operations(a).call(b.id(), "repeat", String.class, "ab", 2).get(10, TimeUnit.SECONDS))
			.isEqualTo(ClusterCallResult.ok(b.id(), "abab"));
		assertThat(a.isLinkedTo(b)).isTrue();
	}

	@Test
	void aNodeClosedDuringACallGivesUnreachable() throws Exception {
		ClusterNodes own = cluster.own("rpc-closed:");
		Node a = own.start();
		Node b = own.start();
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		long start = System.nanoTime();
		CompletableFuture<ClusterCallResult<String>> call = startSlowCall(a, b, Duration.ofSeconds(20));
		b.stop();
		ClusterCallResult<String> result = call.get(25, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.printf("[rpc, node closed mid-call] %s after %d ms%n", result, took.toMillis());
		assertThat(result.status()).isEqualTo(Status.UNREACHABLE);
		assertThat(took).isLessThan(Duration.ofSeconds(15));
		assertThat(transport(a).pendingCount()).isZero();
	}

	@Test
	void aNodeLostAfterAcknowledgingACallGivesUnreachableWithinTheHeartbeatTimeout() throws Exception {
		List<Node> pair = linkedPairBehindProxies("rpc-acknowledged:");
		Node a = pair.get(0);
		Node b = pair.get(1);
		CompletableFuture<ClusterCallResult<String>> call = startSlowCall(a, b, Duration.ofSeconds(20));
		// b has acknowledged the request: only its reply is missing
		await().atMost(AWAIT).until(() -> a.context().getBean(ClusterNode.class).getMembership().isFlushed());
		long cutAt = System.nanoTime();
		cluster.proxies().forEach(TcpProxy::cut);
		ClusterCallResult<String> result = call.get(25, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - cutAt);
		System.out.printf("[rpc, node lost after acknowledging] %s after %d ms%n", result, took.toMillis());
		assertThat(result.status()).isEqualTo(Status.UNREACHABLE);
		assertThat(took).isLessThan(Duration.ofSeconds(10));
		assertThat(transport(a).pendingCount()).isZero();
	}

	@Test
	void aLinkCutDuringACallEndsItWithinItsTimeoutAndLaterCallsFailFast() throws Exception {
		List<Node> pair = linkedPairBehindProxies("rpc-cut:");
		Node a = pair.get(0);
		Node b = pair.get(1);
		long start = System.nanoTime();
		CompletableFuture<ClusterCallResult<String>> call = startSlowCall(a, b, Duration.ofSeconds(4));
		cluster.proxies().forEach(TcpProxy::cut);
		ClusterCallResult<String> result = call.get(10, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.printf("[rpc, link cut mid-call] %s after %d ms%n", result, took.toMillis());
		assertThat(result.status()).isIn(Status.UNREACHABLE, Status.TIMED_OUT);
		assertThat(took).isLessThan(Duration.ofSeconds(4).plusMillis(1500));
		await().atMost(AWAIT).until(() -> !a.isLinkedTo(b));
		// Once the peer counts as unreachable (heartbeat timeout), calls fail at once
		await().atMost(AWAIT).until(() -> operations(a).call(b.id(), "add", Integer.class, 1, 1)
			.get(10, TimeUnit.SECONDS)
			.status() == Status.UNREACHABLE);
		long sentAt = System.nanoTime();
		ClusterCallResult<Integer> fast2 = operations(a).call(b.id(), "add", Integer.class, 1, 1)
			.get(10, TimeUnit.SECONDS);
		assertThat(fast2.status()).isEqualTo(Status.UNREACHABLE);
		assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(Duration.ofMillis(500));
		cluster.proxies().forEach(TcpProxy::restore);
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		assertThat(operations(a).call(b.id(), "add", Integer.class, 1, 1).get(10, TimeUnit.SECONDS))
			.isEqualTo(ClusterCallResult.ok(b.id(), 2));
	}

	@Test
	void answersARequestFromAPeerAndIgnoresRepliesFromAnotherPeerOrForNoCall() throws Exception {
		ClusterNodes own = cluster.own("rpc-forged:");
		Node a = own.start();
		Node b = own.start();
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		CompletableFuture<ClusterCallResult<String>> call = startSlowCall(a, b, Duration.ofSeconds(20));
		EnvelopeCodec codec = new EnvelopeCodec();
		try (FakePeer peer = new FakePeer(a)) {
			// The first call of a fresh node: its id is known
			String forged = "{\"status\":\"OK\",\"value\":\"forged\"}";
			peer.socket().sendText(codec.write(Envelope.rpcReply(peer.id(), a.id() + "-rpc-1", forged).withSequence(1))
				.getPayload());
			peer.socket().sendText(codec.write(Envelope.rpcReply(peer.id(), "no-such-call", forged).withSequence(2))
				.getPayload());
			peer.socket()
				.sendText(codec.write(Envelope
					.rpc(peer.id(), "fake-1", "{\"operation\":\"add\",\"args\":[2,2]}")
					.withSequence(3)).getPayload());
			assertThat(awaitReply(peer, codec, "fake-1")).isEqualTo("{\"status\":\"OK\",\"value\":4}");
			assertThat(call).isNotDone();
			assertThat(a.cluster().getMembers()).anyMatch((member) -> member.id().equals(peer.id()));
		}
		Operations.release.countDown();
		assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(ClusterCallResult.ok(b.id(), "released"));
	}

	private static String awaitReply(FakePeer peer, EnvelopeCodec codec, String id) throws Exception {
		long deadline = System.nanoTime() + AWAIT.toNanos();
		while (System.nanoTime() - deadline < 0) {
			for (String text : PeerFrames.split(peer.socket().readText())) {
				Envelope envelope = codec.read(text);
				if (Envelope.RPC_REPLY.equals(envelope.type()) && id.equals(envelope.id())) {
					return envelope.payload();
				}
			}
		}
		throw new AssertionError("No reply to " + id);
	}

	/**
	 * Start two nodes whose links go through proxies, with a heartbeat timeout of 1 s.
	 */
	private List<Node> linkedPairBehindProxies(String cachePrefix) {
		ClusterNodes own = cluster.own(cachePrefix);
		String[] fast = { "socketbox.cluster.heartbeat-interval=250ms", "socketbox.cluster.heartbeat-timeout=1s" };
		Node a = own.startBehind(cluster.proxy(), fast);
		Node b = own.startBehind(cluster.proxy(), fast);
		await().atMost(AWAIT).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
		return List.of(a, b);
	}

	/**
	 * Call the slow operation on {@code b} from {@code a}, once it runs.
	 */
	private static CompletableFuture<ClusterCallResult<String>> startSlowCall(Node a, Node b, Duration timeout)
			throws InterruptedException {
		CompletableFuture<ClusterCallResult<String>> call = operations(a).call(b.id(),
				ClusterCall.of("slow", String.class).withTimeout(timeout));
		assertThat(Operations.started.await(10, TimeUnit.SECONDS)).isTrue();
		return call;
	}

	private static ClusterOperations operations(Node node) {
		return node.context().getBean(ClusterOperations.class);
	}

	private static PeerRpcTransport transport(Node node) {
		return (PeerRpcTransport) node.context().getBean(ClusterNode.class).getRpcTransport();
	}

	/**
	 * The operations of every node, added to the test application through
	 * {@code spring.main.sources}.
	 */
	static class Operations {

		static volatile CountDownLatch started = new CountDownLatch(1);

		static volatile CountDownLatch release = new CountDownLatch(1);

		private final SocketBoxCluster cluster;

		Operations(SocketBoxCluster cluster) {
			this.cluster = cluster;
		}

		static void reset() {
			started = new CountDownLatch(1);
			release = new CountDownLatch(1);
		}

		@ClusterOperation("node-id")
		String nodeId() {
			return this.cluster.getNodeId();
		}

		@ClusterOperation("add")
		int add(int a, int b) {
			return a + b;
		}

		@ClusterOperation("rooms")
		Map<String, List<Integer>> rooms(String name) {
			return Map.of(name, List.of(1, 2, 3));
		}

		@ClusterOperation("fail")
		String fail(String message) {
			throw new IllegalStateException(message);
		}

		@ClusterOperation("echo")
		String echo(String text) {
			return text;
		}

		@ClusterOperation("repeat")
		String repeat(String text, int times) {
			return text.repeat(times);
		}

		@ClusterOperation("slow")
		String slow() throws InterruptedException {
			CountDownLatch release = Operations.release;
			started.countDown();
			return release.await(30, TimeUnit.SECONDS) ? "released" : "never released";
		}

	}

}

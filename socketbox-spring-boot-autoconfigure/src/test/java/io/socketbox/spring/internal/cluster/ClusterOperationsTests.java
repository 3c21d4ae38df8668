package io.socketbox.spring.internal.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterCall;
import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterCallResult.Status;
import io.socketbox.spring.ClusterOperation;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DefaultClusterOperations} with {@link ClusterOperationInvoker}: calls on
 * this node and on fake nodes, each with its own context, reached through a fake
 * transport that hands the request JSON to the other node's invoker.
 */
class ClusterOperationsTests {

	private static final int MAX_BYTES = 64 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final ExecutorService executor = Executors.newFixedThreadPool(4,
			new CustomizableThreadFactory("rpc-test-"));

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

	private final List<AnnotationConfigApplicationContext> contexts = new ArrayList<>();

	private final Map<String, Node> nodes = new HashMap<>();

	private final RpcTransport toFakeNodes = (nodeId, request) -> {
		Node node = this.nodes.get(nodeId);
		return (node != null) ? node.invoker().invoke(request)
				: CompletableFuture.failedFuture(new IOException("no link to " + nodeId));
	};

	ClusterOperationsTests() {
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	@AfterEach
	void stop() {
		this.contexts.forEach(AnnotationConfigApplicationContext::close);
		this.executor.shutdownNow();
		this.scheduler.shutdownNow();
	}

	@Test
	void callsAnOperationOnThisNodeWithATypedResult() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.call("a", "add", Integer.class, 2, 3))).isEqualTo(ClusterCallResult.ok("a", 5));
		assertThat(result(operations.call("a", "scale", Point.class, new Point(1, 2), 3)).value())
			.isEqualTo(new Point(3, 6));
	}

	@Test
	void readsAGenericResult() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		ClusterCallResult<List<Point>> result = result(
				operations.call("a", ClusterCall.of("points", new ParameterizedTypeReference<List<Point>>() {
				}, 2)));
		assertThat(result.value()).containsExactly(new Point(0, 0), new Point(1, 1));
		assertThat(result(operations.call("a", "sum", Long.class, List.of(1, 2, 3))).value()).isEqualTo(6L);
	}

	@Test
	void anOperationThatReturnsNothingIsOk() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.call("a", "nothing", Void.class))).isEqualTo(ClusterCallResult.ok("a", null));
	}

	@Test
	void runsTheOperationOnTheExecutorNeverOnTheCallersThread() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.call("a", "thread", String.class)).value()).startsWith("rpc-test-");
	}

	@Test
	void anUnknownOperationSaysSo() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.call("a", "missing", String.class)))
			.isEqualTo(ClusterCallResult.unknownOperation("a", "No operation named 'missing'"));
	}

	@Test
	void anOperationThatThrowsFailsWithTheExceptionsClassAndMessage() {
		DefaultClusterOperations operations = operations("a", List.of("b"), this.toFakeNodes);
		node("b");
		assertThat(result(operations.call("a", "fail", Void.class, "boom")))
			.isEqualTo(ClusterCallResult.failed("a", "IllegalStateException: boom"));
		assertThat(result(operations.call("b", "fail", Void.class, "boom")))
			.isEqualTo(ClusterCallResult.failed("b", "IllegalStateException: boom"));
	}

	@Test
	void anAsyncOperationCompletesWhenItsStageDoes() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		Handlers handlers = this.nodes.get("a").handlers();
		CompletableFuture<ClusterCallResult<String>> ok = operations.call("a", "later", String.class);
		await().atMost(WAIT).until(() -> handlers.pending.size() == 1);
		assertThat(ok).isNotDone();
		handlers.pending.get(0).complete("done");
		assertThat(result(ok)).isEqualTo(ClusterCallResult.ok("a", "done"));
		CompletableFuture<ClusterCallResult<String>> failed = operations.call("a", "later", String.class);
		await().atMost(WAIT).until(() -> handlers.pending.size() == 2);
		handlers.pending.get(1).completeExceptionally(new IllegalArgumentException("nope"));
		assertThat(result(failed)).isEqualTo(ClusterCallResult.failed("a", "IllegalArgumentException: nope"));
	}

	@Test
	void argumentsThatDoNotFitTheParametersFailTheCall() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.call("a", "add", Integer.class, 2)))
			.isEqualTo(ClusterCallResult.failed("a", "Operation 'add' takes 2 arguments, got 1"));
		ClusterCallResult<Integer> wrongType = result(operations.call("a", "add", Integer.class, "two", 3));
		assertThat(wrongType.status()).isEqualTo(Status.FAILED);
		assertThat(wrongType.error()).startsWith("Argument 1 of 'add' is not a int: ");
		ClusterCallResult<Integer> wrongElement = result(operations.call("a", "sum", Integer.class, List.of("x")));
		assertThat(wrongElement.error()).startsWith("Argument 1 of 'sum' is not a java.util.List<java.lang.Integer>: ");
		assertThat(result(operations.call("a", "add", Integer.class, null, 3)).status()).isEqualTo(Status.FAILED);
		assertThat(this.nodes.get("a").handlers().calls).hasValue(0);
	}

	@Test
	void aResultThatIsNotOfTheExpectedTypeFails() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		ClusterCallResult<Point> result = result(operations.call("a", "add", Point.class, 2, 3));
		assertThat(result.status()).isEqualTo(Status.FAILED);
		assertThat(result.error()).startsWith("Result of 'add' is not a " + Point.class.getName());
	}

	@Test
	void aResultOverTheLimitFailsThatCallOnly() {
		DefaultClusterOperations operations = operations("a", List.of("b"), this.toFakeNodes);
		node("b", 1000);
		ClusterCallResult<String> tooLarge = result(operations.call("b", "big", String.class, 5000));
		assertThat(tooLarge.status()).isEqualTo(Status.FAILED);
		assertThat(tooLarge.error()).matches("result too large \\(50\\d\\d bytes > 1000\\)");
		assertThat(result(operations.call("b", "big", String.class, 10)).value()).isEqualTo("x".repeat(10));
	}

	@Test
	void aRequestOverTheLimitFailsBeforeItIsSent() {
		AtomicInteger sent = new AtomicInteger();
		DefaultClusterOperations operations = operations("a", List.of("b"), (nodeId, request) -> {
			sent.incrementAndGet();
			return this.toFakeNodes.send(nodeId, request);
		});
		node("b");
		ClusterCallResult<String> tooLarge = result(
				operations.call("b", "echo", String.class, "\u00e9".repeat(MAX_BYTES / 2)));
		assertThat(tooLarge.status()).isEqualTo(Status.FAILED);
		assertThat(tooLarge.error()).matches("request too large \\(\\d+ bytes > " + MAX_BYTES + "\\)");
		Map<String, ClusterCallResult<String>> all = result(
				operations.callAll(ClusterCall.of("echo", String.class, "x".repeat(MAX_BYTES)), true));
		assertThat(all).containsOnlyKeys("a", "b");
		assertThat(all.values()).allSatisfy((result) -> assertThat(result.error()).startsWith("request too large"));
		assertThat(sent).hasValue(0);
		assertThat(result(operations.call("b", "echo", String.class, "small")).value()).isEqualTo("small");
	}

	@Test
	void aNodeThatNeverRepliesTimesOut() {
		CompletableFuture<String> reply = new CompletableFuture<>();
		DefaultClusterOperations operations = operations("a", List.of("b"), (nodeId, request) -> reply);
		ClusterCallResult<String> result = result(
				operations.call("b", ClusterCall.of("echo", String.class, "hi").withTimeout(Duration.ofMillis(100))));
		assertThat(result).isEqualTo(ClusterCallResult.timedOut("b", "No reply within PT0.1S"));
		assertThat(reply).as("the transport may forget the request").isCancelled();
	}

	@Test
	void anOperationThatNeverCompletesTimesOut() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		ClusterCallResult<String> result = result(
				operations.call("a", ClusterCall.of("later", String.class).withTimeout(Duration.ofMillis(100))));
		assertThat(result.status()).isEqualTo(Status.TIMED_OUT);
	}

	@Test
	void aLateReplyIsIgnored() {
		CompletableFuture<String> reply = new CompletableFuture<>();
		DefaultClusterOperations operations = operations("a", List.of("b"),
				(nodeId, request) -> reply.thenApply((json) -> json));
		CompletableFuture<ClusterCallResult<String>> call = operations.call("b",
				ClusterCall.of("echo", String.class, "hi").withTimeout(Duration.ofMillis(100)));
		assertThat(result(call).status()).isEqualTo(Status.TIMED_OUT);
		reply.complete("{\"status\":\"OK\",\"value\":\"late\"}");
		assertThat(result(call).status()).isEqualTo(Status.TIMED_OUT);
		assertThat(this.scheduler.getQueue()).isEmpty();
	}

	@Test
	void aRepliedCallCancelsItsTimeout() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		for (int i = 0; i < 20; i++) {
			assertThat(result(operations.call("a", "add", Integer.class, i, 1)).value()).isEqualTo(i + 1);
		}
		// The timeout is cancelled by the call's completion, which may wake this thread first
		await().atMost(WAIT).until(() -> this.scheduler.getQueue().isEmpty());
	}

	@Test
	void anUnreachableNodeSaysWhy() {
		DefaultClusterOperations operations = operations("a", List.of("b"), this.toFakeNodes);
		assertThat(result(operations.call("z", "echo", String.class, "hi")))
			.isEqualTo(ClusterCallResult.unreachable("z", "IOException: no link to z"));
		DefaultClusterOperations throwing = operations("a", List.of("b"), (nodeId, request) -> {
			throw new IllegalStateException("not linked");
		});
		assertThat(result(throwing.call("b", "echo", String.class, "hi")))
			.isEqualTo(ClusterCallResult.unreachable("b", "IllegalStateException: not linked"));
	}

	@Test
	void aNodeThatDiesMidCallIsUnreachable() {
		CompletableFuture<String> reply = new CompletableFuture<>();
		DefaultClusterOperations operations = operations("a", List.of("b"), (nodeId, request) -> reply);
		CompletableFuture<ClusterCallResult<String>> call = operations.call("b", "echo", String.class, "hi");
		assertThat(call).isNotDone();
		reply.completeExceptionally(new IOException("link to b lost"));
		assertThat(result(call)).isEqualTo(ClusterCallResult.unreachable("b", "IOException: link to b lost"));
	}

	@Test
	void aReplyCompletesTheCallOffTheTransportsThread() throws Exception {
		CompletableFuture<String> reply = new CompletableFuture<>();
		DefaultClusterOperations operations = operations("a", List.of("b"), (nodeId, request) -> reply);
		CompletableFuture<String> thread = operations.call("b", "echo", String.class, "hi")
			.thenApply((result) -> Thread.currentThread().getName());
		Thread reader = new Thread(() -> reply.complete("{\"status\":\"OK\",\"value\":\"hi\"}"), "fake-reader");
		reader.start();
		reader.join(WAIT.toMillis());
		assertThat(thread.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).startsWith("rpc-test-");
	}

	@Test
	void aMalformedReplyFails() {
		DefaultClusterOperations operations = operations("a", List.of("b", "c"),
				(nodeId, request) -> CompletableFuture.completedFuture(nodeId.equals("b") ? "not json" : "{}"));
		assertThat(result(operations.call("b", "echo", String.class, "hi")).error()).startsWith("Malformed reply: ");
		assertThat(result(operations.call("c", "echo", String.class, "hi")))
			.isEqualTo(ClusterCallResult.failed("c", "Malformed reply: no status"));
	}

	@Test
	void callAllIncludesThisNodeFirstThenTheOthersInOrder() {
		DefaultClusterOperations operations = operations("b", List.of("c", "b", "a"), this.toFakeNodes);
		node("a");
		node("c");
		Map<String, ClusterCallResult<String>> results = result(operations.callAll("whoami", String.class));
		assertThat(results).containsExactly(Map.entry("b", ClusterCallResult.ok("b", "b")),
				Map.entry("a", ClusterCallResult.ok("a", "a")), Map.entry("c", ClusterCallResult.ok("c", "c")));
	}

	@Test
	void callAllMayLeaveThisNodeOut() {
		DefaultClusterOperations operations = operations("a", List.of("c", "b"), this.toFakeNodes);
		node("b");
		node("c");
		Map<String, ClusterCallResult<String>> results = result(
				operations.callAll(ClusterCall.of("whoami", String.class), false));
		assertThat(results).containsExactly(Map.entry("b", ClusterCallResult.ok("b", "b")),
				Map.entry("c", ClusterCallResult.ok("c", "c")));
		assertThat(this.nodes.get("a").handlers().calls).hasValue(0);
	}

	@Test
	void callAllGivesEveryNodeItsOwnResult() {
		CompletableFuture<String> never = new CompletableFuture<>();
		RpcTransport transport = (nodeId, request) -> switch (nodeId) {
			case "c" -> CompletableFuture.failedFuture(new IOException("no link to c"));
			case "d" -> never;
			default -> this.toFakeNodes.send(nodeId, request);
		};
		DefaultClusterOperations operations = operations("a", List.of("b", "c", "d"), transport);
		node("b");
		Map<String, ClusterCallResult<String>> results = result(operations
			.callAll(ClusterCall.of("whoami", String.class).withTimeout(Duration.ofMillis(300)), true));
		assertThat(results).containsExactly(Map.entry("a", ClusterCallResult.ok("a", "a")),
				Map.entry("b", ClusterCallResult.ok("b", "b")),
				Map.entry("c", ClusterCallResult.unreachable("c", "IOException: no link to c")),
				Map.entry("d", ClusterCallResult.timedOut("d", "No reply within PT0.3S")));
	}

	@Test
	void aNodeAloneCallsOnlyItself() {
		DefaultClusterOperations operations = operations("a", List.of(), RpcTransport.NONE);
		assertThat(result(operations.callAll("whoami", String.class)))
			.containsExactly(Map.entry("a", ClusterCallResult.ok("a", "a")));
		assertThat(result(operations.callAll(ClusterCall.of("whoami", String.class), false))).isEmpty();
		assertThat(result(operations.call("b", "whoami", String.class))).isEqualTo(ClusterCallResult.unreachable("b",
				"IllegalStateException: Node 'b' is not a member of this cluster"));
	}

	private DefaultClusterOperations operations(String localNodeId, Collection<String> memberIds,
			RpcTransport transport) {
		Node local = this.nodes.containsKey(localNodeId) ? this.nodes.get(localNodeId) : node(localNodeId);
		return new DefaultClusterOperations(localNodeId, () -> memberIds, transport, local.invoker(), local.codec(),
				this.executor, this.scheduler, WAIT.dividedBy(2));
	}

	private Node node(String id) {
		return node(id, MAX_BYTES);
	}

	private Node node(String id, int maxBytes) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(ClusterOperationRegistry.class);
		context.registerBean(Handlers.class, () -> new Handlers(id));
		context.refresh();
		this.contexts.add(context);
		RpcCodec codec = new RpcCodec(this.mapper, maxBytes);
		Node node = new Node(new ClusterOperationInvoker(context.getBean(ClusterOperationRegistry.class), codec,
				this.executor), codec, context.getBean(Handlers.class));
		this.nodes.put(id, node);
		return node;
	}

	private static <T> T result(CompletableFuture<T> future) {
		assertThat(future).succeedsWithin(WAIT);
		return future.join();
	}

	record Node(ClusterOperationInvoker invoker, RpcCodec codec, Handlers handlers) {

	}

	record Point(int x, int y) {

	}

	static class Handlers {

		private final String nodeId;

		final AtomicInteger calls = new AtomicInteger();

		final List<CompletableFuture<String>> pending = new CopyOnWriteArrayList<>();

		Handlers(String nodeId) {
			this.nodeId = nodeId;
		}

		@ClusterOperation("whoami")
		String whoami() {
			this.calls.incrementAndGet();
			return this.nodeId;
		}

		@ClusterOperation("echo")
		String echo(String text) {
			return text;
		}

		@ClusterOperation("add")
		int add(int a, int b) {
			this.calls.incrementAndGet();
			return a + b;
		}

		@ClusterOperation("sum")
		long sum(List<Integer> values) {
			this.calls.incrementAndGet();
			return values.stream().mapToLong(Integer::longValue).sum();
		}

		@ClusterOperation("scale")
		Point scale(Point point, int factor) {
			return new Point(point.x() * factor, point.y() * factor);
		}

		@ClusterOperation("points")
		List<Point> points(int count) {
			return IntStream.range(0, count).mapToObj((i) -> new Point(i, i)).toList();
		}

		@ClusterOperation("nothing")
		void nothing() {
		}

		@ClusterOperation("fail")
		void fail(String message) {
			throw new IllegalStateException(message);
		}

		@ClusterOperation("later")
		CompletableFuture<String> later() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.pending.add(future);
			return future;
		}

		@ClusterOperation("thread")
		String thread() {
			return Thread.currentThread().getName();
		}

		@ClusterOperation("big")
		@Nullable String big(int length) {
			return "x".repeat(length);
		}

	}

}

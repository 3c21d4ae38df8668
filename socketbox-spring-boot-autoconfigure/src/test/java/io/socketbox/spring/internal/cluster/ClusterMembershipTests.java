package io.socketbox.spring.internal.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.LocalNode;

import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the lifecycle of {@link ClusterMembership}: it starts nothing before
 * {@link ClusterMembership#start()}, and stops without blocking the caller, in order.
 */
class ClusterMembershipTests {

	private static final String MEMBERS_KEY = "socketbox:members";

	private final InMemoryCacheProvider memory = new InMemoryCacheProvider();

	private static final RpcCodec RPC_CODEC = new RpcCodec(JsonMapper.shared(), 8192);

	private final CountDownLatch deregistration = new CountDownLatch(1);

	private final LocalNode localNode = new LocalNode(() -> "ws://127.0.0.1:1/socketbox/cluster");

	private final String registrationKey = "socketbox:member:" + this.localNode.getId();

	private final LocalConnections connections = new LocalConnections();

	private final CacheProvider cache = CacheProvider.of(this.memory::get, this.memory::set, this::clear);

	private final ClusterNode node = new ClusterNode(this.localNode, this.connections, String::valueOf, this.cache,
			new UnreachableClient(), (event) -> {
			}, settings(), new ClusterOperationInvoker(new ClusterOperationRegistry(), RPC_CODEC, Runnable::run),
			RPC_CODEC, ClusterNode.DEFAULT_MAX_PUBLISHED_ATTRIBUTES_SIZE, null);

	private final ClusterMembership membership = this.node.getMembership();

	@AfterEach
	void close() throws Exception {
		this.deregistration.countDown();
		this.node.destroy();
		this.connections.destroy();
	}

	@Test
	void stopsAfterTheBrowserEndpointAndBeforeTheLocalConnections() {
		assertThat(this.node.getPhase()).isEqualTo(LifecyclePhases.CLUSTER);
		assertThat(this.node.isAutoStartup()).isTrue();
		this.node.setAutoStartup(false);
		assertThat(this.node.isAutoStartup()).isFalse();
	}

	@Test
	void nothingIsScheduledBeforeStart() {
		for (String name : List.of("scheduler", "registry")) {
			ScheduledThreadPoolExecutor executor = (ScheduledThreadPoolExecutor) ReflectionTestUtils.getField(this.node,
					name);
			assertThat(executor.getTaskCount()).as(name).isZero();
		}
		assertThat(this.membership.isRunning()).isFalse();
		this.membership.start();
		assertThat(this.membership.isRunning()).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.cache.members(MEMBERS_KEY).contains(this.localNode.getId()));
		assertThat(this.memory.get(this.registrationKey)).isNotNull();
	}

	@Test
	void stopDoesNotBlockTheCallerAndCallsBackOnceDeregisteredAndClosed() throws Exception {
		this.membership.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.memory.get(this.registrationKey) != null);
		CompletableFuture<String> stopped = new CompletableFuture<>();
		this.membership.stop(() -> stopped.complete(Thread.currentThread().getName()));
		assertThat(this.membership.isRunning()).isFalse();
		// The deregistration waits on the registry thread: the caller did not
		assertThat(stopped).isNotDone();
		this.deregistration.countDown();
		assertThat(stopped.get(5, TimeUnit.SECONDS)).startsWith("socketbox-cluster-");
		assertThat(this.memory.get(this.registrationKey)).isNull();
		assertThat(this.cache.members(MEMBERS_KEY)).doesNotContain(this.localNode.getId());
		assertThat(this.membership.getMembers()).isEmpty();
	}

	@Test
	void stopWithoutCallbackWaitsAndTheNodeCanJoinAgain() {
		this.deregistration.countDown();
		this.membership.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.memory.get(this.registrationKey) != null);
		this.membership.stop();
		assertThat(this.membership.isRunning()).isFalse();
		assertThat(this.memory.get(this.registrationKey)).isNull();
		this.membership.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.memory.get(this.registrationKey) != null);
		this.membership.stop();
		assertThat(this.memory.get(this.registrationKey)).isNull();
	}

	@Test
	void stopOfANodeThatNeverStartedCallsBackAtOnce() {
		CountDownLatch stopped = new CountDownLatch(1);
		this.membership.stop(stopped::countDown);
		assertThat(stopped.getCount()).isZero();
	}

	private void clear(String key) {
		if (key.equals(this.registrationKey)) {
			try {
				this.deregistration.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.memory.clear(key);
	}

	private static ClusterNode.Settings settings() {
		return new ClusterNode.Settings("a-secret-of-at-least-thirty-two-characters",
				new ClusterNode.Discovery("", Duration.ofSeconds(2), Duration.ofSeconds(5)),
				new ClusterNode.Links(Duration.ofSeconds(1), 4, Duration.ofMillis(100), Duration.ofSeconds(1),
						Duration.ofMillis(100), Duration.ofSeconds(1), 1024 * 1024, Duration.ofSeconds(1), 1024 * 1024),
				new ClusterNode.Delivery(Duration.ofSeconds(1), Duration.ofSeconds(2), 1024 * 1024), false, List.of());
	}

	/**
	 * A client whose connections never complete.
	 */
	private static final class UnreachableClient implements WebSocketClient {

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, String uriTemplate,
				@Nullable Object... uriVariables) {
			return new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler,
				@Nullable WebSocketHttpHeaders headers, URI uri) {
			return new CompletableFuture<>();
		}

	}

}

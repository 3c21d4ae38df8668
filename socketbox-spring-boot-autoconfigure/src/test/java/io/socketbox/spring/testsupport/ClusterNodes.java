package io.socketbox.spring.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import io.socketbox.spring.internal.cluster.ClusterNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts cluster nodes as Spring Boot applications on random ports in this JVM.
 */
public final class ClusterNodes implements AutoCloseable {

	/**
	 * A secret for tests.
	 */
	public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";

	private final List<ConfigurableApplicationContext> nodes = new CopyOnWriteArrayList<>();

	private final List<String> commonProperties;

	/**
	 * Create a launcher whose nodes share a Redis server and a cache prefix.
	 * @param redisPort the port of the Redis server
	 * @param cachePrefix the cache prefix
	 * @param properties more properties for every node
	 */
	public ClusterNodes(int redisPort, String cachePrefix, String... properties) {
		this.commonProperties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + SECRET,
				"socketbox.cluster.host=127.0.0.1", "socketbox.cluster.cache-prefix=" + cachePrefix,
				"socketbox.cluster.refresh-interval=200ms", "socketbox.cluster.member-timeout=2s",
				"socketbox.cache.type=redis", "spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
				"spring.main.banner-mode=off"));
		this.commonProperties.addAll(List.of(properties));
	}

	/**
	 * Start a node.
	 * @param properties properties of this node, overriding the common ones
	 * @return the running node
	 */
	public Node start(String... properties) {
		List<String> all = new ArrayList<>(this.commonProperties);
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestNodeApplication.class)
			.properties(all.toArray(String[]::new))
			.run();
		this.nodes.add(context);
		return new Node(context);
	}

	/**
	 * Start a node whose peer links pass a proxy: its cluster name is the proxy's
	 * address, and the proxy forwards to the node.
	 * @param proxy the proxy in front of the node
	 * @param properties properties of this node, overriding the common ones
	 * @return the running node
	 */
	public Node startBehind(TcpProxy proxy, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("socketbox.cluster.name=ws://127.0.0.1:" + proxy.getPort() + "/socketbox/cluster");
		Node node = start(all.toArray(String[]::new));
		proxy.setTarget(node.port());
		return node;
	}

	/**
	 * Start nodes that join the cluster at the same moment. Contexts start one by one
	 * (Boot's logging set-up is not safe for concurrent starts in one JVM), then all of
	 * them join at once, from one thread each.
	 * @param count the number of nodes
	 * @param properties properties of these nodes
	 * @return the running nodes
	 */
	public List<Node> startJoiningAtOnce(int count, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("socketbox.cluster.auto-startup=false");
		List<Node> nodes = IntStream.range(0, count).mapToObj((i) -> start(all.toArray(String[]::new))).toList();
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(count);
		try {
			List<CompletableFuture<Void>> joins = nodes.stream().map((node) -> CompletableFuture.runAsync(() -> {
				awaitUninterruptibly(go);
				node.context().getBean(ClusterNode.class).start();
			}, threads)).toList();
			go.countDown();
			joins.forEach(CompletableFuture::join);
		}
		finally {
			threads.shutdown();
		}
		return nodes;
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

}

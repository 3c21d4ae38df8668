package io.socketbox.spring.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * Cluster nodes on a real Redis server for a test class: three linked nodes shared by its
 * tests, and nodes and proxies of a test's own, closed after it (after the test's own
 * {@code @AfterEach} methods). Register it as a static field with
 * {@code @RegisterExtension}.
 */
public final class ClusterFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private static final Duration LINKED_TIMEOUT = Duration.ofSeconds(15);

	private final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final String sharedCachePrefix;

	private final String[] properties;

	private @Nullable ClusterNodes shared;

	private List<Node> sharedNodes = List.of();

	private final List<ClusterNodes> own = new ArrayList<>();

	private final List<TcpProxy> proxies = new ArrayList<>();

	/**
	 * Create a fixture.
	 * @param sharedCachePrefix the cache prefix of the three shared nodes
	 * @param properties more properties for every node, shared or a test's own
	 */
	public ClusterFixture(String sharedCachePrefix, String... properties) {
		this.sharedCachePrefix = sharedCachePrefix;
		this.properties = properties.clone();
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.redis.beforeAll(context);
		ClusterNodes nodes = new ClusterNodes(this.redis.getPort(), this.sharedCachePrefix, this.properties);
		this.shared = nodes;
		this.sharedNodes = List.of(nodes.start(), nodes.start(), nodes.start());
		await().atMost(LINKED_TIMEOUT).until(() -> Node.allLinked(this.sharedNodes));
	}

	/**
	 * The three nodes shared by the tests of the class, linked with each other.
	 */
	public List<Node> shared() {
		return this.sharedNodes;
	}

	/**
	 * A launcher of nodes for the running test only, closed after it.
	 * @param cachePrefix a cache prefix of their own, so that they do not see the shared
	 * nodes
	 */
	public ClusterNodes own(String cachePrefix) {
		ClusterNodes nodes = new ClusterNodes(this.redis.getPort(), cachePrefix, this.properties);
		this.own.add(nodes);
		return nodes;
	}

	/**
	 * A proxy for the running test only, closed after it and after its nodes.
	 * @see ClusterNodes#startBehind
	 */
	public TcpProxy proxy() {
		TcpProxy proxy = new TcpProxy();
		this.proxies.add(proxy);
		return proxy;
	}

	/**
	 * The proxies of the running test, in the order they were made.
	 */
	public List<TcpProxy> proxies() {
		return List.copyOf(this.proxies);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.own.forEach(ClusterNodes::close);
		this.own.clear();
		this.proxies.forEach(TcpProxy::close);
		this.proxies.clear();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		try {
			if (this.shared != null) {
				this.shared.close();
			}
		}
		finally {
			this.redis.afterAll(context);
		}
	}

}

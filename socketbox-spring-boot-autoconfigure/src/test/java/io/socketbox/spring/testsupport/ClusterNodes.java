package io.socketbox.spring.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

}

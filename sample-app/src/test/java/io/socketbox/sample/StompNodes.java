package io.socketbox.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.internal.stomp.ClusterStompBroker;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;

import static org.awaitility.Awaitility.await;

/**
 * Sample nodes in this JVM, each on its own port, in cluster mode over a shared cache
 * directory, with what the STOMP tests wait on: links up, and a subscription held by a
 * node's broker (Spring's simple broker confirms none) or known to its peers.
 */
final class StompNodes implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final Path cacheDirectory;

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	StompNodes(Path cacheDirectory) {
		this.cacheDirectory = cacheDirectory;
	}

	/**
	 * Start {@code count} nodes and wait until each has a link up to every other.
	 */
	List<ConfigurableApplicationContext> start(int count) {
		List<ConfigurableApplicationContext> started = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
					"--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--socketbox.cluster.enabled=true", "--socketbox.cluster.refresh-interval=200ms",
					"--socketbox.cluster.member-timeout=2s", "--socketbox.cache.file.directory=" + this.cacheDirectory);
			this.nodes.add(context);
			started.add(context);
		}
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> started.stream()
			.allMatch((node) -> cluster(node).getMembers().stream().filter((m) -> m.link() == ClusterMember.LinkState.UP)
				.count() == this.nodes.size() - 1));
		return started;
	}

	static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	static SocketBoxCluster cluster(ConfigurableApplicationContext node) {
		return node.getBean(SocketBoxCluster.class);
	}

	static ClusterStompBroker broker(ConfigurableApplicationContext node) {
		ClusterStompBroker broker = ClusterStompBroker.of(node.getBean(SimpleBrokerMessageHandler.class));
		if (broker == null) {
			throw new IllegalStateException("The simple broker is not clustered");
		}
		return broker;
	}

	/**
	 * Subscribe and wait until the node's broker holds the subscription.
	 */
	static StompChatClient.Subscription subscribe(ConfigurableApplicationContext node, StompChatClient client,
			String destination) {
		ClusterStompBroker broker = broker(node);
		int before = broker.getLocalSubscriptionCount();
		StompChatClient.Subscription subscription = client.subscribe(destination);
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5))
			.until(() -> broker.getLocalSubscriptionCount() > before);
		return subscription;
	}

	/**
	 * Wait until {@code peer} knows that a client of {@code node} subscribes to
	 * {@code destination}.
	 */
	static void awaitInterest(ConfigurableApplicationContext peer, ConfigurableApplicationContext node,
			String destination) {
		String nodeId = cluster(node).getNodeId();
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5))
			.until(() -> broker(peer).getPeerSubscriptions(nodeId).contains(destination));
	}

	@Override
	public void close() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

}

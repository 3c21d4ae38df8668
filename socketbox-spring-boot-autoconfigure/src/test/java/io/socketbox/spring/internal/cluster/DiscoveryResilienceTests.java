package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RedisTemplates;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache is only for discovery: the cluster keeps working while it is slow, racy,
 * down or flushed, and clusters that share it stay apart.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryResilienceTests {

	private static final String UNREACHABLE = "Cluster cache is unreachable";

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private String prefix;

	@BeforeEach
	void prepare(TestInfo testInfo) {
		if (!redis.isRunning()) {
			redis.start();
		}
		this.prefix = testInfo.getTestMethod().orElseThrow().getName() + ":";
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix, "spring.data.redis.timeout=500ms");
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	/**
	 * Bound: every node links with every other within 15 seconds of joining, that is 75
	 * refresh intervals of 200 ms; the time it took is printed.
	 */
	@Test
	void twentyNodesJoiningAtOnceOnASlowRacyCacheAllFindEachOther() {
		List<Node> twenty = this.nodes.startJoiningAtOnce(20, "test.cache=slow-racy");
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(twenty));
		System.out.printf("DISCOVERY slow_racy_cache nodes=20 full_mesh_ms=%d%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
	}

	@Test
	void clusterKeepsWorkingWhileTheCacheIsDownAndRecoversWhenItReturns(CapturedOutput output) throws Exception {
		List<Node> three = List.of(this.nodes.start(), this.nodes.start(), this.nodes.start());
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(three));
		ConnectedClient client = three.get(2).connect(null);
		redis.stop();
		// Longer than the member timeout (2 s): nobody drops a live peer meanwhile
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> Node.allLinked(three));
		three.get(0).messaging().broadcast("during-outage");
		client.client().awaitMessageStartingWith("during-outage");
		assertThat(three.get(1).messaging().send(client.id(), "direct-during-outage").get(10, TimeUnit.SECONDS))
			.isEqualTo(SendResult.DELIVERED);
		assertThat(countOf(output.getOut(), UNREACHABLE)).as("one warning per node and outage").isEqualTo(3);

		Node latecomer = this.nodes.start();
		redis.start();
		List<Node> four = List.of(three.get(0), three.get(1), three.get(2), latecomer);
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(four));
		try (RedisTemplates templates = RedisTemplates.connect(redis.getPort())) {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> templates.template().opsForSet().members(this.prefix + "socketbox:members"),
						(members) -> members.containsAll(four.stream().map(Node::id).toList()));
		}
		assertThat(countOf(output.getOut(), UNREACHABLE)).isEqualTo(4);
	}

	@Test
	void flushedCacheDoesNotSplitTheClusterAndRegistrationsComeBack() {
		List<Node> three = List.of(this.nodes.start(), this.nodes.start(), this.nodes.start());
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(three));
		try (RedisTemplates templates = RedisTemplates.connect(redis.getPort())) {
			templates.template().execute((org.springframework.data.redis.core.RedisCallback<Void>) (connection) -> {
				connection.serverCommands().flushAll();
				return null;
			});
			// Back within one refresh interval (200 ms), allowing for a slow machine
			await().atMost(Duration.ofSeconds(2))
				.until(() -> templates.template().opsForSet().members(this.prefix + "socketbox:members"),
						(members) -> members.containsAll(three.stream().map(Node::id).toList()));
		}
		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> Node.allLinked(three));
	}

	@Test
	void clustersWithDifferentPrefixesInOneRedisNeverSeeEachOther() {
		List<Node> blue = List.of(this.nodes.start(), this.nodes.start());
		try (ClusterNodes greenNodes = new ClusterNodes(redis.getPort(), this.prefix + "green:")) {
			List<Node> green = List.of(greenNodes.start(), greenNodes.start());
			await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(blue) && Node.allLinked(green));
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> blue.stream().allMatch((node) -> node.memberIds().size() == 1)
						&& green.stream().allMatch((node) -> node.memberIds().size() == 1));
		}
	}

	@Test
	void clustersWithDifferentSecretsAndOnePrefixNeverLinkAndSaySoOnce(CapturedOutput output) {
		String debug = "logging.level.io.socketbox.spring.internal.cluster.PeerProtocolHandler=debug";
		Node first = this.nodes.start(debug);
		Node second = this.nodes.start(debug, "socketbox.cluster.secret-key=another-secret-0123456789-abcdefghijklmno");
		// They find each other in the cache ...
		await().atMost(Duration.ofSeconds(10))
			.until(() -> first.memberIds().contains(second.id()) && second.memberIds().contains(first.id()));
		// ... and never link, while the dialer keeps trying with backoff
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !first.isLinkedTo(second) && !second.isLinkedTo(first));
		String rejection = "failed to prove that it knows the secret";
		assertThat(countOf(output.getOut(), rejection + "; further attempts are logged at DEBUG level"))
			.as("rejections logged at WARN")
			.isEqualTo(1);
		assertThat(countOf(output.getOut(), rejection)).as("attempts, each logged").isGreaterThan(2);
	}

	private static int countOf(String text, String fragment) {
		Matcher matcher = Pattern.compile(Pattern.quote(fragment)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}

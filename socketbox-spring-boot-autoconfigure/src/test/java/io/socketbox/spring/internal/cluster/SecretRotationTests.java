package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.NumberedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling change of the cluster secret with {@code socketbox.cluster.previous-secret-keys},
 * in the order the README gives: first every node accepts the new secret while it still
 * proves itself with the old one, then every node proves itself with the new one while it
 * still accepts the old one, then the old one is dropped. Nodes restart one at a time
 * while a numbered broadcast stream runs.
 */
class SecretRotationTests {

	private static final String OLD = ClusterNodes.SECRET;

	private static final String NEW = "rotated-secret-9876543210-zyxwvutsrqponm";

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	@BeforeEach
	void launcher(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getDisplayName() + ":",
				"socketbox.cluster.reconnect-initial-delay=50ms", "socketbox.cluster.reconnect-max-delay=500ms");
	}

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void threeNodesRotateTheSecretOneAtATimeWhileEveryBrowserGetsEveryBroadcastOnce() {
		List<String[]> passes = List.of(secrets(OLD, NEW), secrets(NEW, OLD), secrets(NEW, null));
		List<Node> cluster = new ArrayList<>(List.of(this.nodes.start(), this.nodes.start(), this.nodes.start()));
		awaitMesh(cluster);
		List<Browser> browsers = new ArrayList<>();
		AtomicReference<Node> sender = new AtomicReference<>(cluster.get(2));
		try (NumberedStream stream = NumberedStream.start((message) -> sender.get().messaging().broadcast(message),
				"r:", Duration.ofMillis(5))) {
			for (int i = 0; i < cluster.size(); i++) {
				browsers.add(Browser.connect(cluster.get(i), i, stream));
			}
			stream.awaitMore(50);
			int restarts = 0;
			for (String[] pass : passes) {
				for (int i = 0; i < cluster.size(); i++) {
					int index = i;
					// The node that restarts is never the sender, so the stream never stops
					assertThat(sender.get()).isNotSameAs(cluster.get(i));
					browsers.stream()
						.filter((browser) -> browser.index == index && browser.last < 0)
						.forEach((browser) -> browser.last = stream.sent());
					cluster.get(i).stop();
					cluster.set(i, this.nodes.start(pass));
					restarts++;
					// A split cluster would never link up again
					awaitMesh(cluster);
					browsers.add(Browser.connect(cluster.get(i), i, stream));
					// The restarted node sends next, over links it proved itself on
					sender.set(cluster.get(i));
					stream.awaitMore(50);
				}
			}
			int last = stream.stop();
			for (Browser browser : browsers) {
				if (browser.last < 0) {
					browser.last = last;
				}
			}
			await().atMost(Duration.ofSeconds(15))
				.until(() -> browsers.stream()
					.filter((browser) -> browser.client.client().isOpen())
					.allMatch((browser) -> received(browser)
						.containsAll(NumberedStream.range(browser.first, browser.last))));
			System.out.printf("[secret rotation] %d restarts, %d numbered broadcasts, %d browsers%n", restarts, last,
					browsers.size());
			for (Browser browser : browsers) {
				List<Integer> numbers = received(browser);
				assertThat(new HashSet<>(numbers)).as("numbers received twice by browser %s", browser.client.id())
					.hasSameSizeAs(numbers);
				assertThat(numbers).as("browser %s of node %d", browser.client.id(), browser.index)
					.containsAll(NumberedStream.range(browser.first, browser.last));
			}
			assertThat(browsers).hasSize(3 + 3 * passes.size());
		}
	}

	@Test
	void aNodeThatProvesItselfWithASecretNotYetAcceptedCannotJoinUntilItIs() {
		Node old = this.nodes.start();
		// A single pass: the new node proves itself with the new secret, which the other
		// node does not accept yet
		Node rotated = this.nodes.start(secrets(NEW, OLD));
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !old.isLinkedTo(rotated) && !rotated.isLinkedTo(old));
		// Once the other node accepts the new secret, the two link
		old.stop();
		Node accepting = this.nodes.start(secrets(OLD, NEW));
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(accepting, rotated)));
	}

	private static List<Integer> received(Browser browser) {
		return NumberedStream.numbersIn(browser.client.client().messages(), "r:");
	}

	private static void awaitMesh(List<Node> cluster) {
		await().atMost(Duration.ofSeconds(20)).until(() -> Node.allLinked(cluster));
	}

	private static String[] secrets(String secret, String previous) {
		return (previous != null)
				? new String[] { "socketbox.cluster.secret-key=" + secret,
						"socketbox.cluster.previous-secret-keys=" + previous }
				: new String[] { "socketbox.cluster.secret-key=" + secret };
	}

	/**
	 * A browser on one node, and the numbers it must receive: every one sent after it
	 * connected, until its node stopped.
	 */
	private static final class Browser {

		private final ConnectedClient client;

		private final int index;

		private final int first;

		private int last = -1;

		private Browser(ConnectedClient client, int index, int first) {
			this.client = client;
			this.index = index;
			this.first = first;
		}

		static Browser connect(Node node, int index, NumberedStream stream) {
			ConnectedClient client = node.connect(null);
			// The number in flight while the browser connected may have missed it
			return new Browser(client, index, stream.sent() + 2);
		}

	}

}

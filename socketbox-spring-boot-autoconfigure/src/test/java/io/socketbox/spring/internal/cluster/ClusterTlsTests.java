package io.socketbox.spring.internal.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TestCertificates;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes that link over {@code wss://}: the peer client takes its trust, and its client
 * certificate, from the SSL bundle that {@code socketbox.cluster.ssl.bundle} names, and
 * the cluster endpoint is served with {@code server.ssl}. Certificates are self-signed
 * ones generated for the test.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterTlsTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	@TempDir
	static Path directory;

	/**
	 * The key every member of the cluster has.
	 */
	private static Path clusterKey;

	/**
	 * Trusts the cluster's key only.
	 */
	private static Path clusterTrust;

	/**
	 * A key that the cluster does not trust.
	 */
	private static Path rogueKey;

	private ClusterNodes nodes;

	private String prefix;

	@BeforeAll
	static void generateCertificates() {
		TestCertificates certificates = new TestCertificates(directory);
		clusterKey = certificates.keyStore("cluster");
		rogueKey = certificates.keyStore("rogue");
		clusterTrust = certificates.trustStore("cluster", clusterKey);
	}

	@BeforeEach
	void prefix(TestInfo testInfo) {
		this.prefix = testInfo.getDisplayName() + ":";
		// Fast redials, so that the test sees several attempts to reach a node it cannot
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix, "socketbox.cluster.reconnect-initial-delay=50ms",
				"socketbox.cluster.reconnect-max-delay=200ms",
				"logging.level.io.socketbox.spring.internal.cluster.Dialer=debug");
	}

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void clusterWithMutualTlsLinksOverWssAndCarriesBroadcasts() {
		Node first = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, true));
		Node second = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, true));
		assertThat(first.cluster().getNodeName()).isEqualTo("wss://127.0.0.1:" + first.port() + "/socketbox/cluster");
		assertThat(second.cluster().getNodeName())
			.isEqualTo("wss://127.0.0.1:" + second.port() + "/socketbox/cluster");
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(first, second)));
		StandardWebSocketClient browserClient = new StandardWebSocketClient();
		browserClient.setSslContext(TestCertificates.sslContext(clusterKey, clusterTrust));
		try (TestClient browser = TestClient.connect(browserClient, "wss://127.0.0.1:" + second.port() + "/ws")) {
			browser.awaitMessageStartingWith(TestNodeApplication.ID_PREFIX);
			first.messaging().broadcast("over-tls");
			browser.awaitMessageStartingWith("over-tls");
		}
	}

	@Test
	void nodeWithUntrustedCertificateCannotJoin(CapturedOutput output) {
		// Started first, so that the others dial it (the later node dials the earlier)
		Node rogue = this.nodes.start(tlsNode(rogueKey, clusterTrust, rogueKey, false));
		Node first = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, false));
		Node second = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, false));
		String rogueName = rogue.cluster().getNodeName();
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(first, second)));
		// Both dialers have tried the rogue node again and again
		await().atMost(Duration.ofSeconds(15))
			.until(() -> count(output, "Could not reach " + Pattern.quote(rogueName)) >= 6);
		assertThat(count(output, "WARN .*Could not open a TLS link to " + Pattern.quote(rogueName))).isEqualTo(2);
		assertThat(linkTo(first, rogue)).isNotEqualTo(ClusterMember.LinkState.UP);
		assertThat(linkTo(second, rogue)).isNotEqualTo(ClusterMember.LinkState.UP);
		assertThat(rogue.isLinkedTo(first)).isFalse();
		assertThat(rogue.isLinkedTo(second)).isFalse();
		assertThat(Node.allLinked(List.of(first, second))).isTrue();
		assertThat(output.getOut()).contains(rogueName + " (" + rogue.id() + "): PKIX path");
	}

	@Test
	void nodeWithoutClientCertificateCannotJoinPeersThatRequireOne(CapturedOutput output) {
		Node first = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, true));
		Node second = this.nodes.start(tlsNode(clusterKey, clusterTrust, clusterKey, true));
		await().atMost(Duration.ofSeconds(15)).until(() -> Node.allLinked(List.of(first, second)));
		// Trusts the cluster and serves with its key, but dials without a client certificate
		Node keyless = this.nodes.start(tlsNode(clusterKey, clusterTrust, null, false));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> count(output, "Could not reach " + Pattern.quote(first.cluster().getNodeName())) >= 3
					&& count(output, "Could not reach " + Pattern.quote(second.cluster().getNodeName())) >= 3);
		assertThat(count(output, "WARN .*Could not open a TLS link to " + Pattern.quote(first.cluster().getNodeName())))
			.isEqualTo(1);
		assertThat(count(output, "WARN .*Could not open a TLS link to " + Pattern.quote(second.cluster().getNodeName())))
			.isEqualTo(1);
		assertThat(keyless.isLinkedTo(first)).isFalse();
		assertThat(keyless.isLinkedTo(second)).isFalse();
		assertThat(Node.allLinked(List.of(first, second))).isTrue();
	}

	private static ClusterMember.LinkState linkTo(Node node, Node other) {
		return node.cluster()
			.getMembers()
			.stream()
			.filter((member) -> member.id().equals(other.id()))
			.map(ClusterMember::link)
			.findFirst()
			.orElse(null);
	}

	private static long count(CapturedOutput output, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(output.getOut());
		long count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	/**
	 * Return the properties of a node that serves TLS with {@code serverKey} and dials
	 * with a bundle of {@code clientKey} (none when {@code null}), both trusting
	 * {@code trust}.
	 */
	private static String[] tlsNode(Path serverKey, Path trust, Path clientKey, boolean requireClientCertificate) {
		List<String> properties = new ArrayList<>();
		properties.addAll(TestCertificates.bundle("server", serverKey, trust));
		properties.addAll(TestCertificates.bundle("peers", clientKey, trust));
		properties.add("server.ssl.bundle=server");
		properties.add("socketbox.cluster.ssl.bundle=peers");
		if (requireClientCertificate) {
			properties.add("server.ssl.client-auth=need");
		}
		return properties.toArray(String[]::new);
	}

}

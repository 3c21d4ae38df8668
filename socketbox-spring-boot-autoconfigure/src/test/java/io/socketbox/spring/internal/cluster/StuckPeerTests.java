package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that stops reading holds up neither the node that broadcasts nor delivery to
 * the other peers.
 */
class StuckPeerTests {

	private static final String STUCK_ID = "zzzzzzzzzzzz";

	private static final int MESSAGES = 600;

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private ClusterNodes nodes;

	@BeforeEach
	void createNodes() {
		// A long heartbeat timeout keeps the stuck peer linked for the whole test, and the
		// resend buffer holds the whole burst, so that nothing is dropped for any peer
		// (the resend window includes the heartbeat timeout, so it is as long)
		this.nodes = new ClusterNodes(redis.getPort(), "stuck:", "socketbox.cluster.heartbeat-timeout=60s",
				"socketbox.cluster.resend-window=60s", "socketbox.cluster.send-time-limit=60s",
				"socketbox.cluster.resend-buffer-size=64MB",
				// The browser that counts takes the whole burst at link speed
				"socketbox.send-buffer-size-limit=64MB");
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void stuckPeerHoldsUpNeitherTheSenderNorTheOtherPeers() {
		Node a = this.nodes.start();
		Node c = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> a.isLinkedTo(c) && c.isLinkedTo(a));
		ConnectedClient browser = c.connect(null);
		try (TestClient stuck = linkStuckPeer(a)) {
			stuck.stopReading();
			String padding = "x".repeat(32 * 1024);
			long start = System.nanoTime();
			IntStream.range(0, MESSAGES).forEach((i) -> a.messaging().broadcast(i + ":" + padding));
			long broadcastMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			await().atMost(Duration.ofSeconds(30)).until(() -> browser.client().messages().size() == MESSAGES + 1);
			long deliveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			System.out.printf("STUCK broadcast %d x 32 KB: calls returned after %d ms, all delivered on the other node "
					+ "after %d ms, with a peer that reads nothing%n", MESSAGES, broadcastMillis, deliveredMillis);
			for (int i = 0; i < MESSAGES; i++) {
				assertThat(browser.client().messages().get(i + 1)).startsWith(i + ":");
			}
			// The stuck peer was linked throughout: nothing waited for it to be cut off
			assertThat(a.cluster().getMembers())
				.anyMatch((member) -> member.id().equals(STUCK_ID) && member.link() == LinkState.UP);
			assertThat(broadcastMillis).as("time the broadcasting thread spent, ms").isLessThan(10_000);
		}
	}

	/**
	 * Link a peer to the node the way a real one would, with the shared secret.
	 */
	private TestClient linkStuckPeer(Node node) {
		PeerAuthenticator authenticator = new PeerAuthenticator(ClusterNodes.SECRET);
		TestClient peer = TestClient.connect("ws://127.0.0.1:" + node.port() + "/socketbox/cluster");
		Envelope challenge = this.codec.read(peer.awaitMessageStartingWith("{"));
		String nonce = authenticator.newNonce();
		peer.send(this.codec
			.write(Envelope.hello(STUCK_ID, "ws://127.0.0.1:1/stuck", nonce, authenticator
				.helloProof(challenge.nonce(), nonce, STUCK_ID, node.id(), node.cluster().getNodeName()), 0))
			.getPayload());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> node.cluster()
				.getMembers()
				.stream()
				.anyMatch((member) -> member.id().equals(STUCK_ID) && member.link() == LinkState.UP));
		return peer;
	}

}

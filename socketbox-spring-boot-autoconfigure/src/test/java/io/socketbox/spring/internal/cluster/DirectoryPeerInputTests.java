package io.socketbox.spring.internal.cluster;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TestClient;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that knows the secret but sends a directory change out of order, or for
 * connections of another node, loses its link, and the directory keeps what it had.
 */
class DirectoryPeerInputTests {

	/** Lower than any node id, so that the node never dials the test's peer. */
	private static final String PEER_ID = "000000000001";

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final PeerAuthenticator authenticator = new PeerAuthenticator(ClusterNodes.SECRET);

	private ClusterNodes nodes;

	private Node node;

	@BeforeEach
	void startNode(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
		this.node = this.nodes.start();
	}

	@AfterEach
	void stopNode() {
		this.nodes.close();
	}

	@Test
	void snapshotThenChangeInOrderIsApplied() {
		TestClient peer = authenticatedPeer();
		peer.send(directory(1, "{\"k\":\"snap\",\"node\":\"" + PEER_ID + "\",\"v\":1,\"part\":0,\"last\":true,\"c\":["
				+ entry(PEER_ID + ".1", "eve") + "]}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> directory().isOnline("eve"));
		peer.send(directory(2, "{\"k\":\"close\",\"node\":\"" + PEER_ID + "\",\"v\":2,\"id\":\"" + PEER_ID + ".1\"}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !directory().isOnline("eve"));
		assertThat(peer.isOpen()).isTrue();
	}

	@Test
	void changeOutOfOrderClosesTheLink() {
		TestClient peer = authenticatedPeer();
		peer.send(directory(1, "{\"k\":\"snap\",\"node\":\"" + PEER_ID + "\",\"v\":1,\"part\":0,\"last\":true,\"c\":["
				+ entry(PEER_ID + ".1", "eve") + "]}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> directory().isOnline("eve"));
		peer.send(directory(2, "{\"k\":\"open\",\"node\":\"" + PEER_ID + "\",\"v\":3,\"id\":\"" + PEER_ID
				+ ".2\",\"c\":[" + entry(PEER_ID + ".2", "mallory") + "]}"));
		assertClosed(peer);
		assertThat(directory().isOnline("mallory")).isFalse();
	}

	@Test
	void changeForAnotherNodeClosesTheLink() {
		TestClient peer = authenticatedPeer();
		peer.send(directory(1, "{\"k\":\"snap\",\"node\":\"" + PEER_ID + "\",\"v\":1,\"part\":0,\"last\":true,\"c\":["
				+ entry(this.node.id() + ".99", "mallory") + "]}"));
		assertClosed(peer);
		assertThat(directory().isOnline("mallory")).isFalse();
	}

	private SocketBoxDirectory directory() {
		return this.node.context().getBean(SocketBoxDirectory.class);
	}

	private static String entry(String id, String user) {
		return "{\"id\":\"" + id + "\",\"nodeId\":\"" + id.substring(0, id.lastIndexOf('.')) + "\",\"user\":\"" + user
				+ "\",\"attributes\":{}}";
	}

	private String directory(long sequence, String payload) {
		return this.codec.write(Envelope.directory(PEER_ID, payload).withSequence(sequence)).getPayload();
	}

	private void assertClosed(TestClient peer) {
		CloseStatus status = peer.awaitClose();
		assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(status.getReason()).contains("directory");
	}

	private TestClient authenticatedPeer() {
		TestClient peer = TestClient.connect("ws://127.0.0.1:" + this.node.port() + "/socketbox/cluster");
		Envelope challenge = this.codec.read(peer.awaitMessageStartingWith("{"));
		assertThat(challenge.type()).isEqualTo(Envelope.CHALLENGE);
		String name = this.node.cluster().getNodeName();
		String nonce = this.authenticator.newNonce();
		peer.send(this.codec.write(Envelope.hello(PEER_ID, "ws://127.0.0.1:1/test-peer", nonce,
				this.authenticator.helloProof(challenge.nonce(), nonce, PEER_ID, this.node.id(), name), 0))
			.getPayload());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.node.cluster()
				.getMembers()
				.stream()
				.anyMatch((member) -> member.id().equals(PEER_ID) && member.link() == LinkState.UP));
		return peer;
	}

}

package io.socketbox.spring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections to the cluster endpoint that never complete the peer handshake are closed
 * at once when they are refused or time out, without waiting for a close frame from the
 * other side (Tomcat would wait 30 seconds).
 */
class PendingPeerHandshakeTests {

	private static final String PEER_PATH = "/socketbox/cluster";

	/**
	 * Lower than any node id, so that the node never tries to dial it.
	 */
	private static final String INTRUDER_ID = "000000000001";

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final List<RawWebSocket> sockets = new ArrayList<>();

	private ClusterNodes nodes;

	@BeforeEach
	void prepare(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
	}

	@AfterEach
	void stopNodes() {
		this.sockets.forEach(RawWebSocket::close);
		this.nodes.close();
	}

	@Test
	void silentConnectionIsClosedWhenTheHandshakeTimesOut() {
		Node node = this.nodes.start("socketbox.cluster.handshake-timeout=1s");
		RawWebSocket silent = openPending(node);
		Duration open = silent.awaitEndOfStream(Duration.ofSeconds(10));
		assertThat(open).isLessThan(Duration.ofSeconds(4));
		assertThat(silent.closeCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(silent.closeReason()).startsWith("Handshake not completed within");
	}

	@Test
	void peerThatFailsAuthenticationIsDisconnectedAtOnce() {
		// Long enough that only the rejection can explain an early end of the connection
		Node node = this.nodes.start("socketbox.cluster.handshake-timeout=30s");
		RawWebSocket peer = open(node);
		Envelope challenge = this.codec.read(peer.readFrame().text());
		PeerAuthenticator wrong = new PeerAuthenticator("another-secret-0123456789-abcdefghijklmno");
		String nonce = wrong.newNonce();
		peer.sendText(text(Envelope.hello(INTRUDER_ID, "ws://127.0.0.1:1/x", nonce, wrong.helloProof(challenge.nonce(),
				nonce, INTRUDER_ID, node.id(), node.cluster().getNodeName()), 0)));
		Duration open = peer.awaitEndOfStream(Duration.ofSeconds(10));
		assertThat(open).isLessThan(Duration.ofSeconds(3));
		assertThat(peer.closeCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(peer.closeReason()).contains("failed to prove that it knows the secret");
	}

	@Test
	void frameOutOfTurnDisconnectsAtOnce() {
		Node node = this.nodes.start("socketbox.cluster.handshake-timeout=30s");
		RawWebSocket peer = openPending(node);
		peer.sendText(text(Envelope.broadcast(INTRUDER_ID, INTRUDER_ID + "-1", "injected").withSequence(1)));
		Duration open = peer.awaitEndOfStream(Duration.ofSeconds(10));
		assertThat(open).isLessThan(Duration.ofSeconds(3));
		assertThat(peer.closeCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(peer.closeReason()).contains("during handshake");
	}

	/**
	 * Open a connection to the cluster endpoint and wait for the node's challenge, so
	 * that the connection is counted as pending.
	 */
	private RawWebSocket openPending(Node node) {
		RawWebSocket socket = open(node);
		assertThat(socket.status()).isEqualTo(101);
		assertThat(this.codec.read(socket.readFrame().text()).type()).isEqualTo(Envelope.CHALLENGE);
		return socket;
	}

	private RawWebSocket open(Node node) {
		RawWebSocket socket = RawWebSocket.upgrade(node.port(), PEER_PATH);
		this.sockets.add(socket);
		return socket;
	}

	private String text(Envelope envelope) {
		return this.codec.write(envelope).getPayload();
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.internal.ConnectionLimitInterceptor;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections to the cluster endpoint that never complete the peer handshake cost a
 * bounded number of connections for a bounded time: each is closed at once when it is
 * refused or times out, without waiting for a close frame from the other side (Tomcat
 * would wait 30 seconds), and only so many may be pending at a time.
 */
@ExtendWith(OutputCaptureExtension.class)
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
	void largeFrameBeforeTheHandshakeIsRefused() {
		Node node = this.nodes.start("socketbox.cluster.handshake-timeout=30s");
		RawWebSocket peer = openPending(node);
		peer.sendText("x".repeat(PeerProtocolHandler.HANDSHAKE_FRAME_LIMIT + 1));
		Duration open = peer.awaitEndOfStream(Duration.ofSeconds(10));
		assertThat(open).isLessThan(Duration.ofSeconds(3));
		assertThat(peer.closeCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
	}

	@Test
	void frameOutOfTurnDisconnectsAtOnce() {
		Node node = this.nodes.start("socketbox.cluster.handshake-timeout=30s");
		RawWebSocket peer = openPending(node);
		peer.sendText(text(Envelope.broadcast(INTRUDER_ID, "1", "injected").withSequence(1)));
		Duration open = peer.awaitEndOfStream(Duration.ofSeconds(10));
		assertThat(open).isLessThan(Duration.ofSeconds(3));
		assertThat(peer.closeCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(peer.closeReason()).contains("during handshake");
	}

	@Test
	void connectionsOverTheLimitAreRefusedUntilThePendingOnesTimeOut(CapturedOutput output) {
		Node node = this.nodes.start("socketbox.cluster.max-pending-handshakes=3",
				"socketbox.cluster.handshake-timeout=3s");
		Node joining = this.nodes.start("socketbox.cluster.auto-startup=false",
				"socketbox.cluster.reconnect-max-delay=500ms");
		ConnectionLimitInterceptor limit = (ConnectionLimitInterceptor) node.context()
			.getBean(ClusterNode.class)
			.getPeerHandshakeInterceptor();
		List<RawWebSocket> silent = List.of(openPending(node), openPending(node), openPending(node));

		RawWebSocket refused = open(node);
		assertThat(refused.status()).isEqualTo(503);
		assertThat(refused.awaitEndOfStream(Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(2));
		assertThat(output).contains("Refused 1 connection(s) to " + PEER_PATH + " with 503: 3 connections that have "
				+ "not completed the peer handshake, the limit set by socketbox.cluster.max-pending-handshakes (3)");

		// A real node is refused as well while the limit is taken...
		joining.context().getBean(ClusterNode.class).start();
		await().atMost(Duration.ofSeconds(10)).until(() -> limit.getRefusedCount() >= 2);
		assertThat(joining.isLinkedTo(node)).isFalse();
		assertThat(output).containsOnlyOnce("Refused ");

		// ...until the silent connections time out, then it links
		for (RawWebSocket socket : silent) {
			assertThat(socket.awaitEndOfStream(Duration.ofSeconds(10))).isLessThan(Duration.ofSeconds(5));
			assertThat(socket.closeReason()).startsWith("Handshake not completed within");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(List.of(node, joining)));

		// Every slot is free again: each connection was counted once and released once
		for (int i = 0; i < 3; i++) {
			openPending(node);
		}
		assertThat(open(node).status()).isEqualTo(503);
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

package io.socketbox.spring.internal.cluster;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.web.socket.CloseStatus;

import static io.socketbox.spring.internal.cluster.PeerInputFixture.PEER_ID;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that knows the secret but sends bad frames loses its link, and nothing it sent
 * reaches the application; a browser that sends too much loses only its own connection.
 */
class PeerInputTests {

	private static final int LIMIT = 16 * 1024;

	@RegisterExtension
	static final PeerInputFixture fixture = new PeerInputFixture("socketbox.cluster.max-frame-size=" + LIMIT + "B",
			"socketbox.max-text-message-size=" + LIMIT + "B");

	private Node node;

	private ConnectedClient browser;

	@BeforeEach
	void connectBrowser() {
		this.node = fixture.node();
		this.browser = this.node.connect(null);
	}

	@Test
	void truncatedFrameClosesTheLink() {
		TestClient peer = authenticatedPeer(1);
		String frame = text(Envelope.broadcast(PEER_ID, "2", "injected").withSequence(2));
		peer.send(frame.substring(0, frame.length() - 5));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "Malformed frame");
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void frameOverTheMaximumFrameSizeClosesTheLink() {
		TestClient peer = authenticatedPeer(1);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "injected" + "x".repeat(LIMIT)).withSequence(2)));
		CloseStatus status = peer.awaitClose();
		assertThat(status.getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		assertThat(status.getReason()).isNotBlank();
		assertNotDeliveredToBrowser("injected" + "x".repeat(LIMIT));
	}

	@Test
	void sequenceNumberGoingBackwardsClosesTheLink() {
		TestClient peer = authenticatedPeer(5);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "injected").withSequence(3)));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "out of order");
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void repeatedSequenceNumberClosesTheLink() {
		TestClient peer = authenticatedPeer(5);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "injected").withSequence(5)));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "out of order");
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void unknownFrameTypeClosesTheLink() {
		TestClient peer = authenticatedPeer(1);
		peer.send(text(new Envelope(Envelope.VERSION, "shout", PEER_ID, PEER_ID + "-2", null, "injected", null, null,
				null, null, 2L, null)));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "Unknown frame type");
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void dataFrameWithoutSequenceNumberClosesTheLink() {
		TestClient peer = authenticatedPeer(1);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "injected")));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "without a sequence number");
		assertNotDeliveredToBrowser("injected");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, Envelope.VERSION - 1, Envelope.VERSION + 1 })
	void peerOfAnotherProtocolVersionIsRefused(int version) {
		TestClient peer = TestClient.connect("ws://127.0.0.1:" + this.node.port() + "/socketbox/cluster");
		peer.awaitMessageStartingWith("{");
		peer.send("{\"v\":" + version + ",\"type\":\"hello\",\"origin\":\"" + PEER_ID
				+ "\",\"name\":\"ws://127.0.0.1:1/old\"}");
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "Unsupported protocol version " + version);
	}

	@Test
	void severalEnvelopesInOneFrameArriveInOrder() {
		TestClient peer = authenticatedPeer(1);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "batched-2").withSequence(2)) + "\n"
				+ text(Envelope.broadcast(PEER_ID, "3", "batched-3").withSequence(3)) + "\n"
				+ text(Envelope.broadcast(PEER_ID, "4", "batched-4").withSequence(4)));
		this.browser.client().awaitMessageStartingWith("batched-4");
		assertThat(this.browser.client().messages()).containsSubsequence("batched-2", "batched-3", "batched-4");
		assertThat(peer.isOpen()).isTrue();
	}

	@Test
	void badEnvelopeInAFrameClosesTheLinkAndNothingAfterItIsDelivered() {
		TestClient peer = authenticatedPeer(1);
		peer.send(text(Envelope.broadcast(PEER_ID, "2", "before-2").withSequence(2)) + "\n\n"
				+ text(Envelope.broadcast(PEER_ID, "3", "injected").withSequence(3)));
		assertClosed(peer, CloseStatus.POLICY_VIOLATION, "Malformed frame");
		assertThat(this.browser.client().awaitMessageStartingWith("before-2")).isEqualTo("before-2");
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void clientMessagesUpToTheSizeLimitArriveWhole() {
		String atTheLimit = TestNodeApplication.ECHO_PREFIX + "x".repeat(LIMIT - TestNodeApplication.ECHO_PREFIX.length());
		String small = TestNodeApplication.ECHO_PREFIX + "small";
		this.browser.client().send(atTheLimit);
		this.browser.client().send(small);
		assertThat(this.browser.client().awaitMessageStartingWith(small)).isEqualTo(small);
		assertThat(this.browser.client().messages()).containsSubsequence(atTheLimit, small);
		assertThat(this.browser.client().isOpen()).isTrue();
	}

	@Test
	void clientFrameOverTheSizeLimitClosesOnlyThatClient() {
		ConnectedClient offender = this.node.connect(null);
		offender.client().send("x".repeat(LIMIT + 1));
		assertThat(offender.client().awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		this.node.messaging().broadcast("still-here");
		this.browser.client().awaitMessageStartingWith("still-here");
		assertThat(this.browser.client().isOpen()).isTrue();
		assertThat(this.node.messaging().getLocalConnections()).hasSize(1);
	}

	/**
	 * Complete a valid handshake as a dialing peer, then show that the link carries
	 * traffic: a broadcast with the given sequence number reaches the browser.
	 */
	private TestClient authenticatedPeer(long sequence) {
		TestClient peer = fixture.authenticatedPeer();
		String valid = "valid-" + sequence;
		peer.send(text(Envelope.broadcast(PEER_ID, "1", valid).withSequence(sequence)));
		this.browser.client().awaitMessageStartingWith(valid);
		return peer;
	}

	private void assertClosed(TestClient peer, CloseStatus expected, String reason) {
		CloseStatus status = peer.awaitClose();
		assertThat(status.getCode()).isEqualTo(expected.getCode());
		assertThat(status.getReason()).contains(reason);
	}

	/**
	 * The link was closed while the frame was handled, and the browser's messages come in
	 * order, so a marker broadcast afterwards shows whether the frame was delivered.
	 */
	private void assertNotDeliveredToBrowser(String injected) {
		this.node.messaging().broadcast("marker");
		this.browser.client().awaitMessageStartingWith("marker");
		assertThat(this.browser.client().messages()).doesNotContain(injected);
	}

	private static String text(Envelope envelope) {
		return fixture.text(envelope);
	}

}

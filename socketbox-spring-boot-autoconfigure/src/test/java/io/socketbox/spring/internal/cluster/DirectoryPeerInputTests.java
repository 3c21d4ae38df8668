package io.socketbox.spring.internal.cluster;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.testsupport.TestClient;

import org.springframework.web.socket.CloseStatus;

import static io.socketbox.spring.internal.cluster.PeerInputFixture.PEER_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that knows the secret but sends a directory change out of order, or for
 * connections of another node, loses its link, and the directory keeps what it had.
 */
class DirectoryPeerInputTests {

	@RegisterExtension
	static final PeerInputFixture fixture = new PeerInputFixture();

	@Test
	void snapshotThenChangeInOrderIsApplied() {
		TestClient peer = fixture.authenticatedPeer();
		sendSnapshotWithEve(peer);
		peer.send(directory(2, "{\"k\":\"close\",\"node\":\"" + PEER_ID + "\",\"v\":2,\"id\":\"" + PEER_ID + ".1\"}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !directory().isOnline("eve"));
		assertThat(peer.isOpen()).isTrue();
	}

	@Test
	void changeOutOfOrderClosesTheLink() {
		TestClient peer = fixture.authenticatedPeer();
		sendSnapshotWithEve(peer);
		peer.send(directory(2, "{\"k\":\"open\",\"node\":\"" + PEER_ID + "\",\"v\":3,\"id\":\"" + PEER_ID
				+ ".2\",\"c\":[" + entry(PEER_ID + ".2", "mallory") + "]}"));
		assertClosed(peer);
		assertThat(directory().isOnline("mallory")).isFalse();
	}

	@Test
	void changeForAnotherNodeClosesTheLink() {
		TestClient peer = fixture.authenticatedPeer();
		peer.send(directory(1, "{\"k\":\"snap\",\"node\":\"" + PEER_ID + "\",\"v\":1,\"part\":0,\"last\":true,\"c\":["
				+ entry(fixture.node().id() + ".99", "mallory") + "]}"));
		assertClosed(peer);
		assertThat(directory().isOnline("mallory")).isFalse();
	}

	/**
	 * Send the peer's first directory frame, a snapshot with one connection of user
	 * {@code eve}, and wait until the node's directory has it.
	 */
	private static void sendSnapshotWithEve(TestClient peer) {
		peer.send(directory(1, "{\"k\":\"snap\",\"node\":\"" + PEER_ID + "\",\"v\":1,\"part\":0,\"last\":true,\"c\":["
				+ entry(PEER_ID + ".1", "eve") + "]}"));
		await().atMost(Duration.ofSeconds(5)).until(() -> directory().isOnline("eve"));
	}

	private static SocketBoxDirectory directory() {
		return fixture.node().context().getBean(SocketBoxDirectory.class);
	}

	private static String entry(String id, String user) {
		return "{\"id\":\"" + id + "\",\"nodeId\":\"" + id.substring(0, id.lastIndexOf('.')) + "\",\"user\":\"" + user
				+ "\",\"attributes\":{}}";
	}

	private static String directory(long sequence, String payload) {
		return fixture.text(Envelope.directory(PEER_ID, payload).withSequence(sequence));
	}

	private void assertClosed(TestClient peer) {
		CloseStatus status = peer.awaitClose();
		assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(status.getReason()).contains("directory");
	}

}

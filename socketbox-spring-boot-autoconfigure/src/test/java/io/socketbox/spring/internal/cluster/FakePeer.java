package io.socketbox.spring.internal.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that knows the secret, on a raw socket: it completes a real handshake with a
 * node, and then writes whatever it is given.
 */
final class FakePeer implements AutoCloseable {

	private static final AtomicLong ids = new AtomicLong();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final String id;

	private final RawWebSocket socket;

	/**
	 * Connect to a node's cluster endpoint and authenticate, under an id lower than any
	 * node's, so that the node never dials it, and new for each fake peer.
	 */
	FakePeer(Node node) {
		this.id = String.format("00000%07d", ids.incrementAndGet());
		PeerAuthenticator authenticator = new PeerAuthenticator(ClusterNodes.SECRET);
		try {
			this.socket = RawWebSocket.open(node.port(), "/socketbox/cluster");
			Envelope challenge = this.codec.read(this.socket.readText());
			assertThat(challenge.type()).isEqualTo(Envelope.CHALLENGE);
			String nonce = authenticator.newNonce();
			String name = node.cluster().getNodeName();
			this.socket.sendText(text(Envelope.hello(this.id, "ws://127.0.0.1:1/fake-peer", nonce,
					authenticator.helloProof(challenge.nonce(), nonce, this.id, node.id(), name), 0)));
			Envelope welcome = this.codec.read(this.socket.readText());
			assertThat(welcome.type()).isEqualTo(Envelope.WELCOME);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(2))
			.until(() -> node.cluster()
				.getMembers()
				.stream()
				.anyMatch((member) -> member.id().equals(this.id) && member.link() == LinkState.UP));
	}

	String id() {
		return this.id;
	}

	RawWebSocket socket() {
		return this.socket;
	}

	/**
	 * Return a broadcast frame from this peer.
	 */
	String broadcast(long sequence, String payload) {
		return text(Envelope.broadcast(this.id, String.valueOf(sequence), payload).withSequence(sequence));
	}

	private String text(Envelope envelope) {
		return this.codec.write(envelope).getPayload();
	}

	@Override
	public void close() {
		this.socket.close();
	}

}

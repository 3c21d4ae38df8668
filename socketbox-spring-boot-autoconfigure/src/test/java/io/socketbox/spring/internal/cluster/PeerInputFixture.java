package io.socketbox.spring.internal.cluster;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TestClient;

import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * For tests of what a peer that knows the secret sends: a real Redis server for the test
 * class, a node of each test's own on it (its cache prefix the test's name), started
 * before the test's {@code @BeforeEach} methods and closed after its {@code @AfterEach}
 * methods, and a peer that dials the node and authenticates. Register it as a static
 * field with {@code @RegisterExtension}.
 */
final class PeerInputFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	/**
	 * The test peer's id: lower than any node id, so that the node never tries to dial
	 * it (the node with the higher id dials).
	 */
	static final String PEER_ID = "000000000001";

	private final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final PeerAuthenticator authenticator = new PeerAuthenticator(ClusterNodes.SECRET);

	private final String[] properties;

	private @Nullable ClusterNodes nodes;

	private @Nullable Node node;

	/**
	 * Create a fixture.
	 * @param properties more properties for the node
	 */
	PeerInputFixture(String... properties) {
		this.properties = properties.clone();
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.redis.beforeAll(context);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.nodes = new ClusterNodes(this.redis.getPort(), context.getRequiredTestMethod().getName() + ":",
				this.properties);
		this.node = this.nodes.start();
	}

	/**
	 * The running test's node.
	 */
	Node node() {
		Assert.state(this.node != null, "No test is running");
		return this.node;
	}

	/**
	 * Dial the node's cluster endpoint as {@link #PEER_ID}, answer its challenge with a
	 * valid hello, check the proof in its welcome, and wait until the node lists the peer
	 * with its link up.
	 * @return the authenticated peer
	 */
	TestClient authenticatedPeer() {
		Node node = node();
		TestClient peer = TestClient.connect("ws://127.0.0.1:" + node.port() + "/socketbox/cluster");
		Envelope challenge = this.codec.read(peer.awaitMessageStartingWith("{"));
		assertThat(challenge.type()).isEqualTo(Envelope.CHALLENGE);
		String name = node.cluster().getNodeName();
		String nonce = this.authenticator.newNonce();
		peer.send(text(Envelope.hello(PEER_ID, "ws://127.0.0.1:1/test-peer", nonce,
				this.authenticator.helloProof(challenge.nonce(), nonce, PEER_ID, node.id(), name), 0)));
		Envelope welcome = this.codec
			.read(peer.awaitMessageStartingWith("{\"v\":" + Envelope.VERSION + ",\"type\":\"welcome\""));
		assertThat(PeerAuthenticator.matches(
				this.authenticator.welcomeProof(challenge.nonce(), nonce, PEER_ID, node.id(), name), welcome.proof()))
			.isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> node.isLinkedTo(PEER_ID));
		return peer;
	}

	/**
	 * The frame a peer sends for the given envelope.
	 */
	String text(Envelope envelope) {
		return this.codec.write(envelope).getPayload();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.nodes != null) {
			this.nodes.close();
			this.nodes = null;
			this.node = null;
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.redis.afterAll(context);
	}

}

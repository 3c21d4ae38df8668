package io.socketbox.spring.internal.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RedisTemplates;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peers that do not know the secret, replay a handshake or pose as a member get and
 * inject nothing.
 */
class PeerSecurityTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private ClusterNodes nodes;

	private Node node;

	private ConnectedClient browser;

	@BeforeEach
	void startNode(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
		this.node = this.nodes.start();
		this.browser = this.node.connect(null);
	}

	@AfterEach
	void stopNode() {
		this.nodes.close();
	}

	@Test
	void helloWithWrongSecretIsRejected() {
		TestClient peer = connectToClusterEndpoint();
		Envelope challenge = awaitChallenge(peer);
		PeerAuthenticator wrong = new PeerAuthenticator("another-secret-0123456789-abcdefghijklmno");
		String nonce = wrong.newNonce();
		peer.send(text(Envelope.hello("intruder0000", "ws://127.0.0.1:1/x", nonce,
				wrong.helloProof(challenge.nonce(), nonce, "intruder0000", this.node.id(), this.node.cluster().getNodeName()),
				0)));
		peer.sendIfOpen(text(Envelope.broadcast("intruder0000", "1", "injected").withSequence(1)));
		assertThat(peer.awaitClose().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(peer.messages()).hasSize(1);
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void frameBeforeHandshakeIsRejected() {
		TestClient peer = connectToClusterEndpoint();
		awaitChallenge(peer);
		peer.send(text(Envelope.broadcast("intruder0000", "1", "injected").withSequence(1)));
		assertThat(peer.awaitClose().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void replayedHelloIsRejected() {
		PeerAuthenticator authenticator = new PeerAuthenticator(ClusterNodes.SECRET);
		String name = this.node.cluster().getNodeName();
		TestClient first = connectToClusterEndpoint();
		Envelope challenge = awaitChallenge(first);
		String nonce = authenticator.newNonce();
		String hello = text(Envelope.hello("zzzzzzzzzzz1", "ws://127.0.0.1:1/x", nonce,
				authenticator.helloProof(challenge.nonce(), nonce, "zzzzzzzzzzz1", this.node.id(), name), 0));
		first.send(hello);
		// Heartbeats may follow the welcome at once
		await().until(() -> first.messages().size() >= 2);
		assertThat(this.codec.read(first.messages().get(1)).type()).isEqualTo(Envelope.WELCOME);
		first.close();

		TestClient replay = connectToClusterEndpoint();
		awaitChallenge(replay);
		replay.send(hello);
		replay.sendIfOpen(text(Envelope.broadcast("zzzzzzzzzzz1", "1", "injected").withSequence(1)));
		assertThat(replay.awaitClose().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		assertThat(replay.messages()).hasSize(1);
		assertNotDeliveredToBrowser("injected");
	}

	@Test
	void forgedMemberEntryReceivesNoClusterTraffic() throws Exception {
		FakeAcceptor fake = new FakeAcceptor();
		try (ConfigurableApplicationContext fakeServer = new SpringApplicationBuilder(FakeServerConfiguration.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.initializers((context) -> context.getBeanFactory().registerSingleton("fakeAcceptor", fake))
			.run()) {
			int fakePort = fakeServer.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			String prefix = this.node.context().getEnvironment().getProperty("socketbox.cluster.cache-prefix");
			writeForgedRegistration(prefix, FakeAcceptor.FORGED_ID, "ws://127.0.0.1:" + fakePort + "/fake");
			CloseStatus status = fake.closed.get(10, TimeUnit.SECONDS);
			assertThat(status.getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			this.node.messaging().broadcast("secret-news");
			this.browser.client().awaitMessageStartingWith("secret-news");
			// The node may have tried again meanwhile: it sent nothing but its hello each time
			assertThat(fake.received).isNotEmpty()
				.allSatisfy((frame) -> assertThat(this.codec.read(frame).type()).isEqualTo(Envelope.HELLO));
			assertNotDeliveredToBrowser("injected");
			assertThat(this.node.cluster().getMembers()).noneMatch(
					(member) -> member.id().equals(FakeAcceptor.FORGED_ID) && member.link() == LinkState.UP);
		}
	}

	private void writeForgedRegistration(String prefix, String id, String name) {
		try (RedisTemplates redisTemplates = RedisTemplates.connect(redis.getPort())) {
			StringRedisTemplate template = redisTemplates.template();
			template.opsForValue()
				.set(prefix + "socketbox:member:" + id, "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"heartbeat\":1}");
			template.opsForSet().add(prefix + "socketbox:members", id);
		}
	}

	private TestClient connectToClusterEndpoint() {
		return TestClient.connect("ws://127.0.0.1:" + this.node.port() + "/socketbox/cluster");
	}

	private Envelope awaitChallenge(TestClient peer) {
		Envelope challenge = this.codec.read(peer.awaitMessageStartingWith("{"));
		assertThat(challenge.type()).isEqualTo(Envelope.CHALLENGE);
		assertThat(challenge.origin()).isEqualTo(this.node.id());
		return challenge;
	}

	/**
	 * Frames of one link are handled in order, so a marker broadcast afterwards shows
	 * whether an injected frame was delivered.
	 */
	private void assertNotDeliveredToBrowser(String injected) {
		this.node.messaging().broadcast("marker");
		this.browser.client().awaitMessageStartingWith("marker");
		assertThat(this.browser.client().messages()).doesNotContain(injected);
	}

	private String text(Envelope envelope) {
		return this.codec.write(envelope).getPayload();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableWebSocket
	@Import(TestServers.class)
	static class FakeServerConfiguration {

		@Bean
		WebSocketConfigurer fakeEndpoint(FakeAcceptor fakeAcceptor) {
			return (registry) -> registry.addHandler(fakeAcceptor, "/fake");
		}

	}

	/**
	 * Poses as a member without knowing the secret: answers a hello with a made-up proof
	 * and tries to inject a broadcast.
	 */
	static final class FakeAcceptor extends TextWebSocketHandler {

		/**
		 * Lower than any node id, so that the node is the one that dials.
		 */
		static final String FORGED_ID = "000000000001";

		private final EnvelopeCodec codec = new EnvelopeCodec();

		final List<String> received = new CopyOnWriteArrayList<>();

		final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			session.sendMessage(this.codec.write(Envelope.challenge(FORGED_ID, "fake", "bm9uY2U")));
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
			this.received.add(message.getPayload());
			session.sendMessage(this.codec.write(Envelope.welcome(FORGED_ID, "bm90LWEtcHJvb2Y", 0)));
			session.sendMessage(this.codec.write(Envelope.broadcast(FORGED_ID, "1", "injected").withSequence(1)));
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.closed.complete(status);
		}

	}

}

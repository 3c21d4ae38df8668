package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.socketbox.spring.internal.stomp.ClusterSimpUserRegistry;
import io.socketbox.spring.internal.stomp.StompTestClient;
import io.socketbox.spring.internal.stomp.StompUserTestConfiguration;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;

import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code stomp-user} peer frames from an authenticated peer that are bad: unreadable,
 * without a kind or sessions, of an unknown kind, with a session without an id, with an
 * id that cannot take part in a destination, without a user, with a subscription
 * without an id or destination, snapshot parts out of order. Each closes the peer's link
 * and adds nothing to the user registry, while a good frame from another peer is
 * listed.
 */
class HostileStompUserFrameProperties {

	private static EmbeddedRedis redis;

	private static ClusterNodes nodes;

	private static Node node;

	private static StompTestClient client;

	private static SimpUserRegistry registry;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@BeforeContainer
	static void startNode() {
		redis = EmbeddedRedis.startNew();
		nodes = new ClusterNodes(redis.getPort(), "hostile-stomp-user-" + UUID.randomUUID() + ":",
				"spring.main.sources=" + StompUserTestConfiguration.class.getName());
		node = nodes.start();
		client = StompTestClient.connect(node.port(), "alice");
		registry = node.context().getBean(SimpUserRegistry.class);
		assertThat(registry).isInstanceOf(ClusterSimpUserRegistry.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> registry.getUser("alice") != null);
	}

	@AfterContainer
	static void stopNode() {
		if (client != null) {
			client.close();
		}
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Property(tries = 40, shrinking = ShrinkingMode.OFF)
	void aBadUsersFrameClosesTheLinkAndAddsNothingToTheRegistry(@ForAll("frames") String payload) {
		String badPeer;
		try (FakePeer peer = new FakePeer(node)) {
			badPeer = peer.id();
			send(peer, payload);
			assertThat(awaitCloseCode(peer)).as("close code").isIn(CloseStatus.POLICY_VIOLATION.getCode(),
					CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
		assertThat(((ClusterSimpUserRegistry) registry).getPeerSessions(badPeer)).isEmpty();
		String probe = "probe-" + UUID.randomUUID();
		try (FakePeer peer = new FakePeer(node)) {
			send(peer, "{\"k\":\"set\",\"s\":[{\"i\":\"" + UUID.randomUUID() + "\",\"u\":\"" + probe
					+ "\",\"b\":[{\"i\":\"sub-0\",\"d\":\"/user/queue/x\"}]}]}");
			await().atMost(Duration.ofSeconds(10)).until(() -> registry.getUser(probe) != null);
		}
		Set<String> names = registry.getUsers()
			.stream()
			.map(SimpUser::getName)
			.filter((name) -> !name.startsWith("probe-"))
			.collect(Collectors.toSet());
		assertThat(names).containsExactly("alice");
	}

	/**
	 * Read what the node sends (snapshots, heartbeats) until its close frame.
	 */
	private static int awaitCloseCode(FakePeer peer) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			if (peer.socket().readFrame().opcode() == RawWebSocket.CLOSE) {
				return peer.socket().closeCode();
			}
		}
		throw new AssertionError("The link stayed open");
	}

	private void send(FakePeer peer, String payload) {
		Envelope envelope = new Envelope(Envelope.VERSION, Envelope.STOMP_USERS, peer.id(), null, null, payload, null,
				null, null, null, 1L, null);
		peer.socket().sendText(this.codec.write(envelope).getPayload());
	}

	@Provide
	Arbitrary<String> frames() {
		String session = "{\"i\":\"s1\",\"u\":\"mallory\"}";
		Arbitrary<String> known = Arbitraries.of("{not json", "null", "[]", "42", "\"text\"", "{}",
				"{\"k\":\"set\"}", "{\"s\":[" + session + "]}", "{\"k\":\"bogus\",\"s\":[" + session + "]}",
				"{\"k\":\"set\",\"s\":[null]}", "{\"k\":\"set\",\"s\":\"" + session + "\"}",
				"{\"k\":\"set\",\"s\":[{\"u\":\"mallory\"}]}", "{\"k\":\"set\",\"s\":[{\"i\":\"\",\"u\":\"mallory\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"a/b\",\"u\":\"mallory\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"a b\",\"u\":\"mallory\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"a*\",\"u\":\"mallory\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"a\\u0000\",\"u\":\"mallory\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"s1\"}]}", "{\"k\":\"set\",\"s\":[{\"i\":\"s1\",\"u\":\"\"}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"s1\",\"u\":\"mallory\",\"b\":[null]}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"s1\",\"u\":\"mallory\",\"b\":[{\"i\":\"x\"}]}]}",
				"{\"k\":\"set\",\"s\":[{\"i\":\"s1\",\"u\":\"mallory\",\"b\":[{\"d\":\"/topic/x\"}]}]}",
				"{\"k\":\"set\",\"s\":[" + session + ",{\"i\":\"s2\"}]}", "{\"k\":\"remove\",\"s\":[{}]}",
				"{\"k\":\"snap\",\"s\":[" + session + "],\"part\":3}",
				"{\"k\":\"snap\",\"s\":[" + session + "]}", "{\"k\":\"set\",\"s\":[" + session + "],\"part\":\"x\"}");
		return Arbitraries.frequencyOf(Tuple.of(4, known), Tuple.of(1, HostileStrings.upTo(300)));
	}

}

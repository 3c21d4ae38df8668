package io.socketbox.spring.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple3;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.socketbox.spring.internal.stomp.ClusterStompBroker;
import io.socketbox.spring.internal.stomp.StompTestClient;
import io.socketbox.spring.internal.stomp.StompTestConfiguration;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RawWebSocket;

import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * STOMP peer frames from an authenticated peer that are bad: messages for destinations
 * outside the broker prefixes, unreadable or incomplete messages, frames larger than
 * the links accept, and subscription frames that are malformed or outside the
 * prefixes. Each closes the peer's link and never reaches a subscriber (one subscribes
 * to everything under both prefixes), while a good message from another peer still
 * does.
 */
class HostileStompFrameProperties {

	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private static final String GOOD_BODY = Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8));

	private static EmbeddedRedis redis;

	private static ClusterNodes nodes;

	private static Node node;

	private static StompTestClient client;

	private static StompTestClient.Subscription topics;

	private static StompTestClient.Subscription queues;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@BeforeContainer
	static void startNode() {
		redis = EmbeddedRedis.startNew();
		nodes = new ClusterNodes(redis.getPort(), "hostile-stomp-" + UUID.randomUUID() + ":",
				"socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B",
				"spring.main.sources=" + StompTestConfiguration.class.getName());
		node = nodes.start();
		client = StompTestClient.connect(node.port());
		topics = client.subscribe("/topic/**");
		queues = client.subscribe("/queue/**");
		ClusterStompBroker broker = ClusterStompBroker.of(node.context().getBean(SimpleBrokerMessageHandler.class));
		await().atMost(Duration.ofSeconds(10)).until(() -> broker.getLocalDestinationCount() == 2);
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
	void aBadStompFrameClosesTheLinkAndNeverReachesASubscriber(@ForAll("frames") Tuple3<String, String, String> frame) {
		int before = topics.messages().size() + queues.messages().size();
		try (FakePeer peer = new FakePeer(node)) {
			send(peer, frame.get1(), frame.get2(), frame.get3());
			assertThat(awaitCloseCode(peer)).as("close code").isIn(CloseStatus.POLICY_VIOLATION.getCode(),
					CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
		String marker = "probe-" + UUID.randomUUID();
		try (FakePeer peer = new FakePeer(node)) {
			String body = Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8));
			send(peer, Envelope.STOMP, "/topic/probe", "{\"c\":\"text/plain;charset=UTF-8\",\"b\":\"" + body + "\"}");
			topics.awaitMessages(before + 1);
		}
		assertThat(topics.messages().subList(before, topics.messages().size())).containsExactly(marker);
		assertThat(queues.messages()).isEmpty();
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

	private void send(FakePeer peer, String type, String target, String payload) {
		Envelope envelope = new Envelope(Envelope.VERSION, type, peer.id(), null, target, payload, null, null, null,
				null, 1L, null);
		peer.socket().sendText(this.codec.write(envelope).getPayload());
	}

	@Provide
	Arbitrary<Tuple3<String, String, String>> frames() {
		String good = "{\"b\":\"" + GOOD_BODY + "\"}";
		Arbitrary<String> outside = Arbitraries.frequencyOf(
				Tuple.of(3, Arbitraries.of("", "/app/chat", "/user/queue/x", "topic/x", "queue", "/", "x", "/Topic/x",
						" /topic/x", "\u0000/topic/x")),
				Tuple.of(1, HostileStrings.upTo(200)
					.filter((destination) -> !destination.startsWith("/topic") && !destination.startsWith("/queue"))))
			.injectNull(0.1);
		Arbitrary<String> unreadable = Arbitraries.frequencyOf(
				Tuple.of(3,
						Arbitraries.of("{not json", "[]", "null", "42", "\"text\"", "{}", "{\"b\":null}",
								"{\"b\":\"!!! not base64\"}", "{\"c\":\"not a type\",\"b\":\"" + GOOD_BODY + "\"}",
								"{\"h\":{\"x\":[null]},\"b\":\"" + GOOD_BODY + "\"}",
								"{\"h\":[1,2],\"b\":\"" + GOOD_BODY + "\"}", "{\"b\":" + GOOD_BODY + "}")),
				Tuple.of(1, HostileStrings.upTo(500)))
			.injectNull(0.1);
		Arbitrary<String> badInterest = Arbitraries.frequencyOf(
				Tuple.of(3,
						Arbitraries.of("{not json", "null", "{}", "{\"k\":\"add\"}", "{\"k\":\"add\",\"d\":[\"/app/x\"]}",
								"{\"k\":\"remove\",\"d\":[null]}", "{\"k\":\"bogus\",\"d\":[\"/topic/x\"]}",
								"{\"k\":\"snap\",\"d\":[\"/topic/x\"],\"part\":3}", "{\"d\":[\"/topic/x\"]}",
								"{\"k\":\"add\",\"d\":[\"\"]}", "{\"k\":\"add\",\"d\":\"/topic/x\"}")),
				Tuple.of(1, HostileStrings.upTo(300)))
			.injectNull(0.1);
		Arbitrary<Tuple3<String, String, String>> huge = Arbitraries.integers()
			.between(MAX_FRAME_SIZE, 2 * MAX_FRAME_SIZE)
			.map((length) -> Tuple.of(Envelope.STOMP, "/topic/" + "a".repeat(length), good));
		return Arbitraries.frequencyOf(Tuple.of(3, outside.map((destination) -> Tuple.of(Envelope.STOMP, destination, good))),
				Tuple.of(3, unreadable.map((payload) -> Tuple.of(Envelope.STOMP, "/topic/hostile", payload))),
				Tuple.of(1, huge),
				Tuple.of(3, badInterest.map((payload) -> Tuple.of(Envelope.STOMP_INTEREST, (String) null, payload))));
	}

}

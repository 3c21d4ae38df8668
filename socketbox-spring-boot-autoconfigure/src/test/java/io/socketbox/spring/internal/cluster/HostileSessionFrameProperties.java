package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.SessionClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session frames ({@code s-attach}, {@code s-frame}, {@code s-detach}, {@code s-close},
 * {@code s-adopt}, {@code s-moved}, {@code s-handled}) from an authenticated peer, with hostile session
 * ids, numbers, states and texts, aimed at a real session of the node and at made-up
 * ones: the node goes on serving, and a new session client is welcomed and gets what is
 * sent to it. (A well-formed frame of an authenticated peer may move or close the
 * sessions it names: peers are trusted with the sessions, as with every message.)
 */
class HostileSessionFrameProperties {

	private static EmbeddedRedis redis;

	private static ClusterNodes nodes;

	private static Node node;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@BeforeContainer
	static void startNode() {
		redis = EmbeddedRedis.startNew();
		nodes = new ClusterNodes(redis.getPort(), "hostile-session-" + UUID.randomUUID() + ":");
		node = nodes.start();
	}

	@AfterContainer
	static void stopNode() {
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Property(tries = 40, shrinking = ShrinkingMode.OFF)
	void hostileSessionFramesNeverStopTheNodeServingSessions(@ForAll("frames") List<Envelope> frames) throws Exception {
		try (SessionClient target = SessionClient.hello(node.port(), null)) {
			String targetId = target.sessionId();
			target.awaitDirects(1);
			try (FakePeer peer = new FakePeer(node)) {
				long sequence = 0;
				for (Envelope frame : frames) {
					Envelope aimed = (frame.target() != null && frame.target().equals("TARGET"))
							? new Envelope(frame.v(), frame.type(), peer.id(), frame.id(), targetId, frame.payload(),
									frame.count(), null, null, null, null, null)
							: new Envelope(frame.v(), frame.type(), peer.id(), frame.id(), frame.target(),
									frame.payload(), frame.count(), null, null, null, null, null);
					try {
						peer.socket().sendText(this.codec.write(aimed.withSequence(++sequence)).getPayload());
					}
					catch (RuntimeException ex) {
						// The node closed the link on a malformed frame
						break;
					}
				}
			}
			// Whatever the peer did to the sessions it named, the node serves a new one
			try (SessionClient fresh = SessionClient.hello(node.port(), null)) {
				String id = fresh.sessionId();
				assertThat(fresh.awaitDirects(1)).hasSize(1);
				String marker = "probe-" + UUID.randomUUID();
				assertThat(node.messaging().send(id, marker).get()).isEqualTo(SendResult.DELIVERED);
				node.messaging().broadcast(marker);
				assertThat(fresh.awaitDirects(2)).endsWith(marker);
				await().atMost(Duration.ofSeconds(10)).until(() -> fresh.broadcastTexts().contains(marker));
			}
		}
	}

	@Provide
	Arbitrary<List<Envelope>> frames() {
		Arbitrary<String> types = Arbitraries.of(Envelope.SESSION_ATTACH, Envelope.SESSION_FRAME, Envelope.SESSION_DETACH,
				Envelope.SESSION_CLOSE, Envelope.SESSION_ADOPT, Envelope.SESSION_MOVED, Envelope.SESSION_HANDLED);
		Arbitrary<String> targets = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(4, Arbitraries.just("TARGET")),
				net.jqwik.api.Tuple.of(2, Arbitraries.of("adopted.1", "nonode.5", ".", "", "a.b.c", "0.0")),
				net.jqwik.api.Tuple.of(2, HostileStrings.upTo(60)))
			.injectNull(0.1);
		Arbitrary<String> payloads = Arbitraries.frequencyOf(
				net.jqwik.api.Tuple.of(3,
						Arbitraries.of("0", "1", "-1", "18446744073709551616", "abc", "d 1 x", "c {}",
								"{\"u\":null,\"l\":2,\"f\":[\"d 1 a\",\"d 2 b\"]}", "{\"u\":\"x\",\"l\":1,\"f\":[\"d 2 a\"]}",
								"{\"u\":null,\"l\":-5,\"f\":[]}", "{\"l\":3,\"f\":[\"d 2 a\",\"d 1 b\"]}",
								"{\"l\":3,\"f\":[null]}", "{\"l\":3,\"f\":\"x\"}", "{}", "[]", "null", "somenode",
								"{\"l\":0,\"f\":[],\"m\":-1}", "{\"l\":0,\"f\":[],\"m\":\"x\"}",
								"{\"l\":0,\"f\":[],\"m\":9223372036854775807}", "9223372036854775807",
								"999999999999999999")),
				net.jqwik.api.Tuple.of(2, HostileStrings.upTo(200)))
			.injectNull(0.1);
		Arbitrary<Integer> counts = Arbitraries.of(0, 1, 2, -1, 999, 1000, 1005, 1006, 1012, 4001, 5000, Integer.MAX_VALUE)
			.injectNull(0.2);
		return Combinators.combine(types, targets, payloads, counts)
			.as((type, target, payload, count) -> new Envelope(Envelope.VERSION, type, "x",
					"req-" + UUID.randomUUID(), target, payload, count, null, null, null, null, null))
			.list()
			.ofMinSize(1)
			.ofMaxSize(6);
	}

}

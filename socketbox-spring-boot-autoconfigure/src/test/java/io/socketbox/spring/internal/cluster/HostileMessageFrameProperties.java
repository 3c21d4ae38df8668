package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.ClusterMessageListener;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code msg} frames from an authenticated peer with hostile type names (classes that
 * exist but have no listener, huge or broken names) and hostile payloads (malformed
 * JSON, the wrong shape, deep nesting, polymorphic type hints, huge text), followed by
 * a good message: the good one reaches its listener once, the link stays up, and no
 * class without a listener is ever instantiated.
 */
class HostileMessageFrameProperties {

	private static final int MAX_FRAME_SIZE = 64 * 1024;

	private static final String TRIPWIRE = Tripwire.class.getName();

	private static EmbeddedRedis redis;

	private static ClusterNodes nodes;

	private static Node node;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	@BeforeContainer
	static void startNode() {
		redis = EmbeddedRedis.startNew();
		nodes = new ClusterNodes(redis.getPort(), "hostile-msg-" + UUID.randomUUID() + ":",
				"socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B",
				"spring.main.sources=" + Listeners.class.getName());
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

	@Property(tries = 60, shrinking = ShrinkingMode.OFF)
	void hostileFramesNeverInstantiateAnUnlistedTypeNorStopTheNextGoodFrame(
			@ForAll("frames") List<Tuple2<String, String>> frames) {
		Listeners listeners = node.context().getBean(Listeners.class);
		long received = node.context().getBean(ClusterMessageDispatcher.class).getReceived();
		try (FakePeer peer = new FakePeer(node)) {
			long sequence = 0;
			for (Tuple2<String, String> frame : frames) {
				send(peer, ++sequence, frame.get1(), frame.get2());
			}
			String marker = "probe-" + UUID.randomUUID();
			send(peer, ++sequence, Probe.class.getName(), "{\"marker\":\"" + marker + "\"}");
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(2))
				.until(() -> listeners.probes().contains(marker));
			assertThat(listeners.probes()).filteredOn(marker::equals).hasSize(1);
			assertThat(node.context().getBean(ClusterMessageDispatcher.class).getReceived() - received)
				.isEqualTo(frames.size() + 1);
			assertThat(node.cluster().getMembers())
				.anyMatch((member) -> member.id().equals(peer.id()) && member.link() == LinkState.UP);
		}
		assertThat(Tripwire.constructed).hasValue(0);
	}

	private void send(FakePeer peer, long sequence, String type, String payload) {
		Envelope envelope = new Envelope(Envelope.VERSION, Envelope.MESSAGE, peer.id(), null, type, payload, null,
				null, null, null, sequence, null);
		peer.socket().sendText(this.codec.write(envelope).getPayload());
	}

	@Provide
	Arbitrary<List<Tuple2<String, String>>> frames() {
		Arbitrary<String> typeNames = Arbitraries.frequencyOf(
				Tuple.of(4,
						Arbitraries.of(TRIPWIRE, "java.lang.ProcessBuilder", "java.lang.Runtime", "java.net.URL",
								"java.io.File", "javax.naming.InitialContext", "java.lang.Object", "int",
								"[L" + TRIPWIRE + ";", "java.util.HashMap", Probe.class.getName(),
								Holder.class.getName(), Probe.class.getName() + " ", "")),
				Tuple.of(2, HostileStrings.upTo(200)),
				Tuple.of(1, Arbitraries.integers().between(1_000, 20_000).map("a"::repeat)))
			.injectNull(0.05);
		Arbitrary<String> payloads = Arbitraries.frequencyOf(
				Tuple.of(4,
						Arbitraries.of("{\"armed\":true}", "{}", "[]", "null", "42", "\"text\"", "{not json",
								"[\"" + TRIPWIRE + "\",{\"armed\":true}]", "{\"@class\":\"" + TRIPWIRE + "\"}",
								"{\"value\":[\"" + TRIPWIRE + "\",{\"armed\":true}]}",
								"{\"value\":{\"@class\":\"" + TRIPWIRE + "\",\"armed\":true}}",
								"{\"marker\":{\"nested\":1}}", "{\"marker\":[1,2]}", "{\"marker\":\"open",
								"{\"marker\":\"x\"} trailing", "\uFEFF{}")),
				Tuple.of(2, HostileStrings.upTo(2_000)),
				Tuple.of(1, Arbitraries.integers().between(1_000, 6_000).map((depth) -> "[".repeat(depth))),
				Tuple.of(1, Arbitraries.integers().between(1_000, 25_000)
					.map((length) -> "{\"marker\":\"" + "a".repeat(length) + "\"}")))
			.injectNull(0.05);
		return Arbitraries.frequencyOf(Tuple.of(1, typeNames.map((name) -> Tuple.of(name, (String) "{}"))),
				Tuple.of(3, typeNames.flatMap((name) -> payloads.map((payload) -> Tuple.of(name, payload)))))
			.list()
			.ofMinSize(1)
			.ofMaxSize(5);
	}

	/**
	 * A message that a listener takes.
	 *
	 * @param marker identifies the message
	 */
	record Probe(String marker) {

	}

	/**
	 * A message with a field of any type, which must never become a class that a peer
	 * names.
	 *
	 * @param value anything
	 */
	record Holder(Object value) {

	}

	/**
	 * A class that exists and that Jackson could create, but that no listener takes.
	 */
	public static final class Tripwire {

		static final AtomicInteger constructed = new AtomicInteger();

		private boolean armed;

		public Tripwire() {
			constructed.incrementAndGet();
		}

		public boolean isArmed() {
			return this.armed;
		}

		public void setArmed(boolean armed) {
			this.armed = armed;
		}

	}

	/**
	 * The listeners of the node.
	 */
	static class Listeners {

		private final List<String> probes = new CopyOnWriteArrayList<>();

		@ClusterMessageListener
		void onProbe(Probe probe) {
			this.probes.add(String.valueOf(probe.marker()));
		}

		@ClusterMessageListener
		void onHolder(Holder holder) {
			assertThat(holder.value()).isNotInstanceOf(Tripwire.class);
		}

		List<String> probes() {
			return this.probes;
		}

	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message whose frame between nodes would be larger than {@code max-frame-size} once
 * made a peer close the link on it, and the sender send it again on every new link. Now
 * it is dropped before it is queued, counted and logged; the link stays up.
 */
@ExtendWith(OutputCaptureExtension.class)
class OversizedFrameTests {

	private static final int MAX_FRAME_SIZE = 16 * 1024;

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private Node nodeA;

	private Node nodeB;

	@BeforeEach
	void startNodes() {
		this.nodes = new ClusterNodes(redis.getPort(), "oversized-" + UUID.randomUUID() + ":",
				"socketbox.cluster.max-frame-size=" + MAX_FRAME_SIZE + "B", "socketbox.max-text-message-size=1KB");
		this.nodeA = this.nodes.start();
		this.nodeB = this.nodes.start();
		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.nodeA.isLinkedTo(this.nodeB) && this.nodeB.isLinkedTo(this.nodeA));
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void oversizedBroadcastReachesThisNodeOnlyAndIsCounted(CapturedOutput output) {
		ConnectedClient local = this.nodeA.connect(null);
		ConnectedClient remote = this.nodeB.connect(null);
		String oversized = "big:" + "x".repeat(MAX_FRAME_SIZE);
		this.nodeA.messaging().broadcast(oversized);
		this.nodeA.messaging().broadcast("small");
		remote.client().awaitMessageStartingWith("small");
		local.client().awaitMessageStartingWith("small");
		assertThat(local.client().messages()).contains(oversized);
		assertThat(remote.client().messages()).doesNotContain(oversized);
		assertThat(droppedOn(this.nodeA)).isOne();
		assertThat(output).contains("larger than socketbox.cluster.max-frame-size (" + MAX_FRAME_SIZE + ")");
		assertLinkedThroughout();
	}

	@Test
	void oversizedDirectSendIsReportedUnsendable() throws Exception {
		ConnectedClient remote = this.nodeB.connect(null);
		SendResult result = this.nodeA.messaging().send(remote.id(), "x".repeat(MAX_FRAME_SIZE)).get();
		assertThat(result).isEqualTo(SendResult.UNSENDABLE);
		assertThat(this.nodeA.messaging().send(remote.id(), "small").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(droppedOn(this.nodeA)).isOne();
		assertLinkedThroughout();
	}

	@Test
	void frameOfJustTheMaximumSizeArrives() {
		ConnectedClient remote = this.nodeB.connect(null);
		// The envelope around the payload takes some of the frame: find the largest that fits
		String probe = "probe";
		int overhead = new EnvelopeCodec()
			.write(Envelope.broadcast(this.nodeA.id(), "1000000000", probe).withSequence(1000000000))
			.getPayloadLength() - probe.length();
		String largest = "y".repeat(MAX_FRAME_SIZE - overhead);
		this.nodeA.messaging().broadcast(largest);
		await().atMost(Duration.ofSeconds(10)).until(() -> remote.client().messages().contains(largest));
		assertThat(droppedOn(this.nodeA)).isZero();
		assertLinkedThroughout();
	}

	private long droppedOn(Node node) {
		return node.context().getBean(ClusterMessaging.class).getDroppedMessages();
	}

	private void assertLinkedThroughout() {
		assertThat(this.nodeA.cluster().getMembers()).singleElement()
			.satisfies((member) -> assertThat(member.link()).isEqualTo(LinkState.UP));
		assertThat(this.nodeB.cluster().getMembers()).singleElement()
			.satisfies((member) -> assertThat(member.link()).isEqualTo(LinkState.UP));
	}

}

package io.socketbox.spring.internal.stomp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.internal.stomp.StompTestClient.Subscription;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.NumberedStream;
import io.socketbox.spring.testsupport.TcpProxy;

import org.springframework.messaging.simp.SimpMessagingTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes whose link runs through {@link TcpProxy proxies}, cut while node A publishes
 * a numbered stream with its {@link SimpMessagingTemplate} to a STOMP subscriber on
 * node B: the STOMP messages ride the numbered peer channel, so a cut shorter than the
 * resend window loses nothing.
 */
class StompLinkFailureTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private TcpProxy proxyA;

	private TcpProxy proxyB;

	private Node a;

	private Node b;

	private StompTestClient client;

	@BeforeEach
	void start() {
		this.nodes = new ClusterNodes(redis.getPort(), "stomp-link-cut:",
				"spring.main.sources=" + StompTestConfiguration.class.getName());
		this.proxyA = new TcpProxy();
		this.proxyB = new TcpProxy();
		this.a = startBehind(this.proxyA);
		this.b = startBehind(this.proxyB);
		awaitLinked();
	}

	@AfterEach
	void stop() {
		if (this.client != null) {
			this.client.close();
		}
		this.nodes.close();
		this.proxyA.close();
		this.proxyB.close();
	}

	@Test
	void linkCutShorterThanTheResendWindowLosesNothing() {
		this.client = StompTestClient.connect(this.b.port());
		Subscription subscription = this.client.subscribe("/topic/stream");
		StompClusterIntegrationTests.awaitInterest(this.a, this.b, "/topic/stream");
		SimpMessagingTemplate template = this.a.context().getBean(SimpMessagingTemplate.class);
		try (NumberedStream stream = NumberedStream.start((text) -> template.convertAndSend("/topic/stream", text),
				"n:", Duration.ofMillis(5))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> subscription.messages().size() >= 50);
			long cutAt = System.nanoTime();
			int sentAtCut = stream.sent();
			this.proxyA.cut();
			this.proxyB.cut();
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
				.until(() -> !this.b.isLinkedTo(this.a));
			// The outage lasts a stated time; during() also checks that the link stays down
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(4))
				.until(() -> !this.a.isLinkedTo(this.b) && !this.b.isLinkedTo(this.a));
			int sentDuringCut = stream.sent() - sentAtCut;
			long outage = System.nanoTime() - cutAt;
			this.proxyA.restore();
			this.proxyB.restore();
			awaitLinked();
			stream.awaitMore(50);
			int last = stream.stop();
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(10))
				.until(() -> subscription.messages().size() >= last);
			System.out.printf("[stomp link cut] outage %d ms, %d messages published, %d of them during the outage%n",
					Duration.ofNanos(outage).toMillis(), last, sentDuringCut);
			assertThat(sentDuringCut).isPositive();
			assertThat(NumberedStream.numbersIn(subscription.messages(), "n:"))
				.containsExactlyElementsOf(NumberedStream.oneTo(last));
		}
	}

	private Node startBehind(TcpProxy proxy) {
		List<String> properties = new ArrayList<>();
		properties.add("socketbox.cluster.name=ws://127.0.0.1:" + proxy.getPort() + "/socketbox/cluster");
		Node node = this.nodes.start(properties.toArray(String[]::new));
		proxy.setTarget(node.port());
		return node;
	}

	private void awaitLinked() {
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.a.isLinkedTo(this.b) && this.b.isLinkedTo(this.a));
	}

}

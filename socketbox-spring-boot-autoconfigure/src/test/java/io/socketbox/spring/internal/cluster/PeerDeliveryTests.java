package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.NumberedStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Order of direct sends between two nodes, and what a node that stops gracefully still
 * delivers.
 */
class PeerDeliveryTests {

	private static final int COUNT = 2000;

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private Node first;

	private Node second;

	@BeforeEach
	void startPair(TestInfo testInfo) {
		// Discovery is slow on purpose: a member that stops must leave the other's
		// membership through its leave notice, not because its registration went away.
		// The heartbeat timeout is long so that only the notice can explain a fast exit;
		// frequent heartbeats keep frames flowing both ways while a node stops
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getDisplayName() + ":",
				"socketbox.cluster.refresh-interval=3s", "socketbox.cluster.member-timeout=30s",
				"socketbox.cluster.heartbeat-timeout=10s", "socketbox.cluster.heartbeat-interval=20ms");
		this.first = this.nodes.start();
		this.second = this.nodes.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.first.isLinkedTo(this.second) && this.second.isLinkedTo(this.first));
	}

	@AfterEach
	void stopPair() {
		this.nodes.close();
	}

	@Test
	void directSendsFromOneNodeToOneConnectionArriveInOrder() {
		ConnectedClient target = this.second.connect(null);
		List<CompletableFuture<SendResult>> results = new ArrayList<>();
		for (int i = 1; i <= COUNT; i++) {
			results.add(this.first.messaging().send(target.id(), "d:" + i));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> results.stream().allMatch(CompletableFuture::isDone));
		assertThat(results).extracting(CompletableFuture::join).containsOnly(SendResult.DELIVERED);
		assertThat(NumberedStream.numbersIn(target.client().messages(), "d:"))
			.containsExactlyElementsOf(NumberedStream.oneTo(COUNT));
	}

	@ParameterizedTest(name = "stopping node dials: {0}")
	@ValueSource(booleans = { true, false })
	void gracefulStopDeliversWhatWasQueuedAndLeavesAtOnce(boolean stoppingNodeDials) {
		// Of two nodes, the one with the higher id dials the other
		Node higher = (this.first.id().compareTo(this.second.id()) > 0) ? this.first : this.second;
		Node lower = (higher == this.first) ? this.second : this.first;
		Node stopping = stoppingNodeDials ? higher : lower;
		Node staying = (stopping == higher) ? lower : higher;
		String stoppingId = stopping.id();
		ConnectedClient client = staying.connect(null);
		for (int i = 1; i <= COUNT; i++) {
			stopping.messaging().broadcast("n:" + i);
		}
		long stopAt = System.nanoTime();
		stopping.stop();
		Duration stopTook = since(stopAt);
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> staying.cluster().getMembers().stream().noneMatch((member) -> member.id().equals(stoppingId)));
		Duration leftAfter = since(stopAt);
		List<Integer> received = NumberedStream.numbersIn(client.client().messages(), "n:");
		System.out.printf("[graceful stop, stopping node dials: %s] stop took %d ms; the other node dropped it from "
				+ "its membership %d ms after the stop began; %d of %d queued broadcasts delivered%n",
				stoppingNodeDials, stopTook.toMillis(), leftAfter.toMillis(), received.size(), COUNT);
		assertThat(received).containsExactlyElementsOf(NumberedStream.oneTo(COUNT));
		assertThat(leftAfter).isLessThan(Duration.ofSeconds(2));
	}

	private static Duration since(long nanoTime) {
		return Duration.ofNanos(System.nanoTime() - nanoTime);
	}

}

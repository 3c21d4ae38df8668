package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One browser that stops reading, beside 20 that read on the same node and 3 on a
 * second node that sends: nobody waits for it. It once held the thread that read the
 * link from the second node for the whole send time limit, so every message from there
 * waited, and links went down.
 */
class StuckBrowserTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private static final int READERS_ON_A = 20;

	private static final int READERS_ON_B = 3;

	private static final int MESSAGES = 600;

	/**
	 * A browser that never reads, with a small socket buffer of its own.
	 */
	private static final int STUCK_RECEIVE_BUFFER = 4096;

	private ClusterNodes nodes;

	@AfterEach
	void stopNodes() {
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	@Test
	void browserThatNeverReadsHoldsUpNobodyWhileItIsConnected() throws Exception {
		// Limits far beyond the test: the stuck browser stays connected throughout, so any
		// wait for it would hold up every message to the others
		Traffic traffic = run("socketbox.send-time-limit=120s", "socketbox.send-buffer-size-limit=256MB");
		assertThat(traffic.stuckClosedAfterMillis()).isNegative();
		traffic.print("stuck browser connected throughout");
	}

	@Test
	void browserThatNeverReadsIsCutAtItsBufferLimitAndCounted() throws Exception {
		// 4 MB: a reader on two loaded cores may fall a second or two behind; the stuck
		// browser holds that much (plus what the kernel buffers) about halfway through
		Traffic traffic = run("socketbox.send-time-limit=10s", "socketbox.send-buffer-size-limit=4MB");
		assertThat(traffic.stuckClosedAfterMillis()).isNotNegative();
		assertThat(traffic.nodeA().context().getBean(LocalConnections.class).getSlowClientsClosed()).isOne();
		traffic.print("stuck browser cut at 4MB");
	}

	private Traffic run(String... limits) throws Exception {
		this.nodes = new ClusterNodes(redis.getPort(), "stuck-" + UUID.randomUUID() + ":", limits);
		Node nodeA = this.nodes.start();
		Node nodeB = this.nodes.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> nodeA.isLinkedTo(nodeB) && nodeB.isLinkedTo(nodeA));
		List<ConnectedClient> readers = new ArrayList<>();
		for (int i = 0; i < READERS_ON_A; i++) {
			readers.add(nodeA.connect(null));
		}
		for (int i = 0; i < READERS_ON_B; i++) {
			readers.add(nodeB.connect(null));
		}
		LocalConnections connectionsOfA = nodeA.context().getBean(LocalConnections.class);
		try (RawWebSocket stuck = RawWebSocket.open(nodeA.port(), "/ws", STUCK_RECEIVE_BUFFER)) {
			await().until(() -> connectionsOfA.size() == READERS_ON_A + 1);
			AtomicLong stuckClosedAt = new AtomicLong();
			long start = System.nanoTime();
			AtomicInteger sent = new AtomicInteger();
			// 100 messages a second of 8 to 32 KB, from the second node
			ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
			ScheduledFuture<?> sending = sender.scheduleAtFixedRate(() -> {
				int sequence = sent.get();
				if (sequence < MESSAGES) {
					int size = 8 * 1024 + (sequence * 7919) % (24 * 1024);
					nodeB.messaging().broadcast(sequence + ":" + System.nanoTime() + ":" + "x".repeat(size));
					sent.incrementAndGet();
				}
				if (stuckClosedAt.get() == 0 && connectionsOfA.size() == READERS_ON_A) {
					stuckClosedAt.set(System.nanoTime());
				}
			}, 0, 10, TimeUnit.MILLISECONDS);
			try {
				for (ConnectedClient reader : readers) {
					await().atMost(Duration.ofSeconds(30))
						.until(() -> reader.client().messages().size() == MESSAGES + 1);
				}
			}
			finally {
				sending.cancel(false);
				sender.shutdown();
			}
			for (ConnectedClient reader : readers) {
				List<String> messages = reader.client().messages();
				for (int i = 0; i < MESSAGES; i++) {
					assertThat(messages.get(i + 1)).startsWith(i + ":");
				}
				assertThat(reader.client().isOpen()).isTrue();
			}
			assertThat(nodeA.isLinkedTo(nodeB)).isTrue();
			assertThat(nodeB.isLinkedTo(nodeA)).isTrue();
			long closedAt = stuckClosedAt.get();
			return new Traffic(nodeA, readers, (closedAt != 0) ? (closedAt - start) / 1_000_000 : -1);
		}
		finally {
			readers.forEach((reader) -> reader.client().close());
		}
	}

	/**
	 * What the readers saw.
	 */
	private record Traffic(Node nodeA, List<ConnectedClient> readers, long stuckClosedAfterMillis) {

		void print(String description) {
			List<Long> latencies = new ArrayList<>();
			for (ConnectedClient reader : this.readers) {
				List<String> messages = reader.client().messages();
				List<Long> arrivals = reader.client().arrivals();
				for (int i = 1; i < messages.size(); i++) {
					String message = messages.get(i);
					int from = message.indexOf(':') + 1;
					long sentAt = Long.parseLong(message.substring(from, message.indexOf(':', from)));
					latencies.add((arrivals.get(i) - sentAt) / 1000);
				}
			}
			Collections.sort(latencies);
			System.out.printf("STUCK %s: %d deliveries to %d readers, latency p50=%.1fms p99=%.1fms max=%.1fms, "
					+ "stuck browser closed after %dms%n", description, latencies.size(), this.readers.size(),
					percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.get(latencies.size() - 1) / 1000.0,
					this.stuckClosedAfterMillis);
		}

		private static double percentile(List<Long> sortedMicros, double fraction) {
			return sortedMicros.get((int) Math.min(sortedMicros.size() - 1, Math.ceil(fraction * sortedMicros.size()) - 1))
					/ 1000.0;
		}

	}

}

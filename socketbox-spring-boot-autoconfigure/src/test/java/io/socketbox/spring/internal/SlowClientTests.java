package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading is cut off once more than the send buffer size limit waits
 * for it, and the other clients get every message.
 */
class SlowClientTests {

	private static final int MESSAGES = 300;

	/**
	 * A browser that never reads, with a small socket buffer of its own.
	 */
	private static final int STUCK_RECEIVE_BUFFER = 4096;

	private Node node;

	@BeforeEach
	void startNode() {
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.host=127.0.0.1", "socketbox.send-time-limit=500ms",
					"socketbox.send-buffer-size-limit=64KB")
			.run());
	}

	@AfterEach
	void stopNode() {
		this.node.stop();
	}

	@Test
	void clientThatStopsReadingIsDisconnectedAndOthersGetEverything() throws Exception {
		ConnectedClient fast = this.node.connect(null);
		try (RawWebSocket stuck = RawWebSocket.open(this.node.port(), "/ws", STUCK_RECEIVE_BUFFER)) {
			await().until(() -> this.node.messaging().getLocalConnections().size() == 2);
			String padding = "x".repeat(32 * 1024);
			// Paced by the client that reads: a sender's burst beyond the buffer limit
			// would cut off any client, since sends no longer wait for the writes
			CompletableFuture<Void> broadcasting = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < MESSAGES; i++) {
					this.node.messaging().broadcast(i + ":" + padding);
					// One message in flight: its first message is the connection id
					int received = i + 2;
					await().atMost(Duration.ofSeconds(5))
						.pollDelay(Duration.ZERO)
						.pollInterval(Duration.ofMillis(1))
						.until(() -> fast.client().messages().size() >= received);
				}
			});
			// Well within Tomcat's default blocking-send timeout of 20 seconds
			await().atMost(Duration.ofSeconds(8))
				.until(() -> broadcasting.isDone() && this.node.messaging().getLocalConnections().size() == 1);
			assertThat(this.node.messaging().getLocalConnections()).singleElement()
				.extracting(SocketBoxConnection::getId)
				.isEqualTo(fast.id());
			await().atMost(Duration.ofSeconds(8)).until(() -> fast.client().messages().size() == MESSAGES + 1);
			for (int i = 0; i < MESSAGES; i++) {
				assertThat(fast.client().messages().get(i + 1)).startsWith(i + ":");
			}
			assertThat(fast.client().isOpen()).isTrue();
		}
	}

}

package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestNodeApplication;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read liveness on a real container: a client that stops reading while data flows is
 * cut off once a ping has gone unanswered for the send time limit, long before the
 * socket's send buffer fills, while a client on the same node keeps receiving
 * everything; a client that reads slowly but answers is kept; pongs that do not echo
 * the ping count for nothing; an idle connection gets no ping. Run on Tomcat
 * ({@link ReadLivenessOnTomcatTests}) and on Jetty ({@link ReadLivenessOnJettyTests}).
 */
abstract class ReadLivenessTests {

	/** A client that never reads, with a small socket buffer of its own. */
	private static final int STUCK_RECEIVE_BUFFER = 4096;

	private static final String PADDING = "p".repeat(1000);

	private Node node;

	private final AtomicBoolean sending = new AtomicBoolean();

	/**
	 * Return the container, as {@link TestServers} names it.
	 * @return {@code tomcat} or {@code jetty}
	 */
	abstract String server();

	private Node start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off", "socketbox.cluster.host=127.0.0.1",
				TestServers.PROPERTY + "=" + server(),
				// Far beyond what the tests send: only read liveness may cut a client
				"socketbox.send-buffer-size-limit=256MB"));
		all.addAll(List.of(properties));
		this.node = new Node(
				new SpringApplicationBuilder(TestNodeApplication.class).properties(all.toArray(String[]::new)).run());
		return this.node;
	}

	@AfterEach
	void stop() {
		this.sending.set(false);
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void clientThatStopsReadingIsCutWhileAnotherOnTheNodeReceivesEverything() throws Exception {
		Node node = start("socketbox.send-time-limit=1s");
		ConnectedClient reader = node.connect(null);
		try (RawWebSocket stuck = RawWebSocket.open(node.port(), "/ws", STUCK_RECEIVE_BUFFER)) {
			await().until(() -> node.messaging().getLocalConnections().size() == 2);
			// About 100 KB/s: the kernel's buffers take this for many seconds before a write waits
			CompletableFuture<Integer> sent = sendEvery(10, 20_000);
			await().atMost(Duration.ofSeconds(20)).until(() -> node.messaging().getLocalConnections().size() == 1);
			assertThat(node.context().getBean(LocalConnections.class).getSlowClientsClosed()).isOne();
			this.sending.set(false);
			int count = sent.get(10, TimeUnit.SECONDS);
			assertThat(count).as("messages sent").isPositive();
			await().atMost(Duration.ofSeconds(20)).until(() -> reader.client().messages().size() >= 1 + count);
			List<String> received = reader.client().messages().subList(1, reader.client().messages().size());
			assertThat(received).hasSize(count);
			for (int i = 0; i < count; i++) {
				assertThat(received.get(i)).isEqualTo(i + ":" + PADDING);
			}
			assertThat(reader.client().isOpen()).isTrue();
			// What the stuck client's socket holds ends with the close, as for any cut
			stuck.awaitEndOfStream(Duration.ofSeconds(20));
		}
	}

	@Test
	void clientThatReadsSlowlyButAnswersEveryPingIsKept() throws Exception {
		Node node = start("socketbox.send-time-limit=2s");
		try (RawWebSocket slow = RawWebSocket.open(node.port(), "/ws")) {
			assertThat(slow.readText()).startsWith(TestNodeApplication.ID_PREFIX);
			await().until(() -> node.messaging().getLocalConnections().size() == 1);
			int messages = 250;
			// 250 messages over at least 5 s, two and a half send time limits
			CompletableFuture<Integer> sent = sendEvery(20, messages);
			int pings = 0;
			int texts = 0;
			while (texts < messages) {
				RawWebSocket.Frame frame = slow.readFrame();
				if (frame.opcode() == RawWebSocket.PING) {
					pings++;
					assertThat(slow.sendPong(frame.payload())).isTrue();
				}
				else {
					assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
					assertThat(frame.text()).isEqualTo(texts + ":" + PADDING);
					texts++;
					// Slower than the sender: it falls behind by up to half a second, a
					// quarter of the send time limit
					TimeUnit.MILLISECONDS.sleep(22);
				}
			}
			assertThat(sent.get(10, TimeUnit.SECONDS)).isEqualTo(messages);
			assertThat(pings).as("pings while data flowed").isPositive();
			assertThat(node.messaging().getLocalConnections()).hasSize(1);
			assertThat(node.context().getBean(LocalConnections.class).getSlowClientsClosed()).isZero();
		}
	}

	@Test
	void pongsThatDoNotEchoThePingDoNotKeepAClientThatStopsReading() throws Exception {
		Node node = start("socketbox.send-time-limit=1s");
		try (RawWebSocket stuck = RawWebSocket.open(node.port(), "/ws", STUCK_RECEIVE_BUFFER)) {
			await().until(() -> node.messaging().getLocalConnections().size() == 1);
			sendEvery(10, 20_000);
			byte[] guess = new byte[Long.BYTES];
			// Unsolicited pongs with payloads of its own, and never a read
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
				ThreadLocalRandom.current().nextBytes(guess);
				stuck.sendPong(guess);
				return node.messaging().getLocalConnections().isEmpty();
			});
			assertThat(node.context().getBean(LocalConnections.class).getSlowClientsClosed()).isOne();
		}
	}

	@Test
	void idleConnectionGetsNoPingButOneWithTrafficDoes() throws Exception {
		Node node = start("socketbox.send-time-limit=2s");
		try (RawWebSocket client = RawWebSocket.open(node.port(), "/ws")) {
			assertThat(client.readText()).startsWith(TestNodeApplication.ID_PREFIX);
			// Idle for six ping intervals: nothing arrives, no ping either
			assertThat(client.readFrame(Duration.ofSeconds(3))).isNull();
			CompletableFuture<Integer> sent = sendEvery(20, 1_000);
			List<RawWebSocket.Frame> frames = new ArrayList<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				RawWebSocket.Frame frame = client.readFrame();
				frames.add(frame);
				if (frame.opcode() == RawWebSocket.PING) {
					client.sendPong(frame.payload());
					return true;
				}
				return false;
			});
			this.sending.set(false);
			sent.get(10, TimeUnit.SECONDS);
			RawWebSocket.Frame ping = frames.get(frames.size() - 1);
			assertThat(ping.payload()).hasSize(Long.BYTES);
			assertThat(frames.subList(0, frames.size() - 1)).isNotEmpty().allMatch(RawWebSocket.Frame::isText);
			assertThat(node.messaging().getLocalConnections()).hasSize(1);
		}
	}

	@Test
	void withReadLivenessOffNoPingIsSent() throws Exception {
		Node node = start("socketbox.send-time-limit=400ms", "socketbox.read-liveness=false");
		try (RawWebSocket client = RawWebSocket.open(node.port(), "/ws")) {
			assertThat(client.readText()).startsWith(TestNodeApplication.ID_PREFIX);
			int messages = 100;
			// At least 2 s of traffic, twenty ping intervals were it on
			CompletableFuture<Integer> sent = sendEvery(20, messages);
			for (int i = 0; i < messages; i++) {
				RawWebSocket.Frame frame = client.readFrame();
				assertThat(frame.opcode()).as("frame %d", i).isEqualTo(RawWebSocket.TEXT);
				assertThat(frame.text()).isEqualTo(i + ":" + PADDING);
			}
			assertThat(sent.get(10, TimeUnit.SECONDS)).isEqualTo(messages);
		}
	}

	/**
	 * Broadcast numbered messages every given milliseconds until the given number is
	 * sent or the test stops sending.
	 * @return the number sent
	 */
	private CompletableFuture<Integer> sendEvery(long millis, int max) {
		this.sending.set(true);
		LocalConnections connections = this.node.context().getBean(LocalConnections.class);
		AtomicInteger sent = new AtomicInteger();
		return CompletableFuture.supplyAsync(() -> {
			while (this.sending.get() && sent.get() < max) {
				connections.broadcast(OutboundText.of(sent.getAndIncrement() + ":" + PADDING));
				try {
					TimeUnit.MILLISECONDS.sleep(millis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			return sent.get();
		});
	}

}

package io.socketbox.spring.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestNodeApplication;
import io.socketbox.spring.testsupport.TestServers;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.web.socket.WebSocketExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages that queue for a connection while a write is in progress leave together, on
 * a real container and real connections: order per connection is kept under bursts from
 * several threads, frames of every size and script arrive intact, and a connection cut
 * off in the middle gets a prefix of what was sent, each message once. Run on Tomcat
 * ({@link OutboxBatchingOnTomcatTests}) and on Jetty ({@link OutboxBatchingOnJettyTests}).
 */
abstract class OutboxBatchingTests {

	private Node node;

	/**
	 * Return the container, as {@link TestServers} names it.
	 * @return {@code tomcat} or {@code jetty}
	 */
	abstract String server();

	/**
	 * Return the sender that the container's sessions get.
	 * @return the type of sender
	 */
	abstract Class<? extends TextSender> sender();

	/**
	 * Return further properties of the node.
	 * @return the properties, none by default
	 */
	List<String> properties() {
		return List.of();
	}

	private Node start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off", "socketbox.cluster.host=127.0.0.1",
				TestServers.PROPERTY + "=" + server()));
		all.addAll(properties());
		all.addAll(List.of(properties));
		this.node = new Node(
				new SpringApplicationBuilder(TestNodeApplication.class).properties(all.toArray(String[]::new)).run());
		return this.node;
	}

	@AfterEach
	void stopNode() {
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void orderIsKeptPerConnectionUnderBurstsFromSeveralThreads() throws Exception {
		Node node = start("socketbox.send-buffer-size-limit=64MB");
		int threads = 4;
		int perThread = 500;
		List<ConnectedClient> clients = List.of(node.connect(null), node.connect(null), node.connect(null));
		await().until(() -> node.messaging().getLocalConnections().size() == clients.size());
		assertThat(node.messaging().getLocalConnections())
			.allSatisfy((connection) -> assertThat(((LocalConnection) connection).outbox().sender())
				.isInstanceOf(sender()));
		String padding = "p".repeat(200);
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Void>> senders = IntStream.range(0, threads)
			.mapToObj((thread) -> CompletableFuture.runAsync(() -> {
				awaitLatch(go);
				for (int i = 0; i < perThread; i++) {
					String message = thread + ":" + i + ":" + padding;
					// Broadcasts and direct sends share each connection's queue
					if (i % 5 == 0) {
						clients.forEach((client) -> node.messaging().send(client.id(), message));
					}
					else {
						node.messaging().broadcast(message);
					}
				}
			}))
			.toList();
		go.countDown();
		CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get();
		for (ConnectedClient client : clients) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> client.client().messages().size() >= 1 + threads * perThread);
			List<String> received = client.client().messages().subList(1, 1 + threads * perThread);
			Map<Integer, Integer> nextPerThread = new HashMap<>();
			for (String message : received) {
				String[] parts = message.split(":", 3);
				int thread = Integer.parseInt(parts[0]);
				int sequence = Integer.parseInt(parts[1]);
				assertThat(sequence).as("message of thread %d", thread)
					.isEqualTo(nextPerThread.getOrDefault(thread, 0));
				assertThat(parts[2]).isEqualTo(padding);
				nextPerThread.put(thread, sequence + 1);
			}
			assertThat(nextPerThread).hasSize(threads)
				.allSatisfy((thread, next) -> assertThat(next).isEqualTo(perThread));
			assertThat(client.client().messages()).hasSize(1 + threads * perThread);
			assertThat(client.client().isOpen()).isTrue();
		}
	}

	@Test
	void framesOfEverySizeAndScriptArriveIntact() throws Exception {
		Node node = start("socketbox.send-buffer-size-limit=64MB");
		List<String> texts = List.of("", "a", "x".repeat(125), "x".repeat(126), "x".repeat(127),
				"x".repeat(65_535), "x".repeat(65_536), "x".repeat(200_000), "\u00e9", "\u00e9".repeat(63),
				"\u20ac".repeat(42), "\u20ac".repeat(21_845) + "x", "\uD83D\uDE00", "\uD83D\uDE00".repeat(16_384),
				"a\u00e9\u20ac\uD83D\uDE00", "\uD800", "x\uDC00y", "\uDBFF", "\uDE00\uD83D", "end");
		try (RawWebSocket client = RawWebSocket.open(node.port(), "/ws")) {
			assertThat(client.readText()).startsWith(TestNodeApplication.ID_PREFIX);
			for (int round = 0; round < 3; round++) {
				// One burst: all but the first queue behind it and leave together
				texts.forEach(node.messaging()::broadcast);
				for (String text : texts) {
					assertThat(readMessage(client)).as("%d characters", text.length())
						.isEqualTo(OutboundText.toWellFormed(text).getBytes(StandardCharsets.UTF_8));
				}
			}
		}
	}

	@Test
	void compressedMessagesArriveIntactAndInOrder() {
		Node node = start("socketbox.send-buffer-size-limit=64MB");
		List<String> texts = List.of("", "a", "x".repeat(126), "\u00e9\u20ac\uD83D\uDE00".repeat(5000), "x\uD800y",
				"z".repeat(70_000), "end");
		try (TestClient client = TestClient.connectWithDeflate("ws://127.0.0.1:" + node.port() + "/ws")) {
			assertThat(client.session().getExtensions()).extracting(WebSocketExtension::getName)
				.containsExactly("permessage-deflate");
			assertThat(client.next()).startsWith(TestNodeApplication.ID_PREFIX);
			LocalConnections connections = node.context().getBean(LocalConnections.class);
			for (int round = 0; round < 3; round++) {
				texts.forEach((text) -> connections.broadcast(OutboundText.of(text)));
				for (String text : texts) {
					assertThat(client.next()).isEqualTo(OutboundText.toWellFormed(text));
				}
			}
		}
	}

	@Test
	void aConnectionCutOffInTheMiddleGetsAPrefixOfWhatWasSentEachOnce() {
		Node node = start("socketbox.send-buffer-size-limit=256KB", "socketbox.send-time-limit=500ms");
		int messages = 4000;
		String padding = "y".repeat(1000);
		try (RawWebSocket stuck = RawWebSocket.open(node.port(), "/ws", 4096)) {
			await().until(() -> node.messaging().getLocalConnections().size() == 1);
			LocalConnections connections = node.context().getBean(LocalConnections.class);
			int taken = 0;
			for (int i = 0; i < messages; i++) {
				taken += connections.broadcast(OutboundText.of(i + ":" + padding));
			}
			assertThat(taken).as("messages taken before the cut").isLessThan(messages);
			await().atMost(Duration.ofSeconds(10)).until(() -> node.messaging().getLocalConnections().isEmpty());
			// Read only now, what the socket holds
			stuck.awaitEndOfStream(Duration.ofSeconds(10));
			List<String> texts = stuck.frames()
				.stream()
				.filter(RawWebSocket.Frame::isText)
				.map(RawWebSocket.Frame::text)
				.toList();
			assertThat(texts.get(0)).startsWith(TestNodeApplication.ID_PREFIX);
			List<String> numbered = texts.subList(1, texts.size());
			for (int i = 0; i < numbered.size(); i++) {
				assertThat(numbered.get(i)).isEqualTo(i + ":" + padding);
			}
			assertThat(numbered.size()).isLessThanOrEqualTo(taken);
		}
	}

	/**
	 * Read one message: a TEXT frame, then continuation frames until FIN (Jetty splits
	 * frames larger than its maximum frame size, 64 KB by default); pings before it are
	 * answered.
	 */
	private static byte[] readMessage(RawWebSocket client) {
		RawWebSocket.Frame frame = client.readFrame();
		while (frame.opcode() == RawWebSocket.PING) {
			// Read liveness, on a machine slow enough for traffic to last a ping interval
			client.sendPong(frame.payload());
			frame = client.readFrame();
		}
		assertThat(frame.opcode()).as("opcode of the first frame").isEqualTo(RawWebSocket.TEXT);
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		message.writeBytes(frame.payload());
		while (!frame.fin()) {
			frame = client.readFrame();
			assertThat(frame.opcode()).as("opcode of a following frame").isEqualTo(RawWebSocket.CONTINUATION);
			message.writeBytes(frame.payload());
		}
		return message.toByteArray();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

package io.socketbox.sample;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebSocket client that queues the JSON frames it receives, for {@link #next()}, and
 * also keeps every frame with its arrival time, for tests that look at a stream of
 * messages as a whole ({@link #numbers()}, {@link #awaitFrame}).
 */
final class TestClient extends TextWebSocketHandler implements AutoCloseable {

	private static final long TIMEOUT_SECONDS = 10;

	private final JsonMapper jsonMapper;

	private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

	private final Queue<Received> history = new ConcurrentLinkedQueue<>();

	private final CompletableFuture<CloseStatus> closeStatus = new CompletableFuture<>();

	private final WebSocketSession session;

	private TestClient(JsonMapper jsonMapper, URI uri) throws Exception {
		this.jsonMapper = jsonMapper;
		this.session = new StandardWebSocketClient(container()).execute(this, new WebSocketHttpHeaders(), uri)
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	/**
	 * A container that takes whole messages of up to 64 K characters: the sample's
	 * idle-connection tuning lowers the default of every Tomcat WebSocket container in
	 * the JVM, this client's included.
	 */
	private static WebSocketContainer container() {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(64 * 1024);
		return container;
	}

	static TestClient connect(JsonMapper jsonMapper, int port) throws Exception {
		return new TestClient(jsonMapper, URI.create("ws://127.0.0.1:" + port + "/ws"));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		JsonNode frame = this.jsonMapper.readTree(message.getPayload());
		this.history.add(new Received(frame, System.nanoTime()));
		this.received.add(frame);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.closeStatus.complete(status);
	}

	void send(String text) throws Exception {
		this.session.sendMessage(new TextMessage(text));
	}

	JsonNode next() throws InterruptedException {
		JsonNode message = this.received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(message).as("message within %ss", TIMEOUT_SECONDS).isNotNull();
		return message;
	}

	JsonNode next(String type) throws InterruptedException {
		JsonNode message = next();
		assertThat(message.path("type").asString()).as("type of %s", message).isEqualTo(type);
		return message;
	}

	/**
	 * Return the numbers of the numbered chats received so far (chats whose text is a
	 * number), in the order they arrived.
	 */
	List<Integer> numbers() {
		return this.history.stream()
			.map(Received::frame)
			.filter((frame) -> "chat".equals(frame.path("type").asString()))
			.map((frame) -> frame.path("text").asString())
			.filter((text) -> text.matches("\\d+"))
			.map(Integer::valueOf)
			.toList();
	}

	/**
	 * Wait until a numbered chat with the given number or a higher one has arrived.
	 */
	void awaitNumber(int number, Duration timeout) {
		await().alias("chat " + number + " at " + this.session.getUri())
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> numbers().stream().anyMatch((received) -> received >= number));
	}

	/**
	 * Wait for a frame that matches and arrived after a given time.
	 * @param description what is awaited
	 * @param predicate matches the frame
	 * @param afterNanoTime only frames that arrived after this {@link System#nanoTime()}
	 * @param timeout how long to wait
	 * @return the first such frame
	 */
	Received awaitFrame(String description, Predicate<JsonNode> predicate, long afterNanoTime, Duration timeout) {
		return await().alias(description + " at " + this.session.getUri())
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> this.history.stream()
				.filter((received) -> received.nanoTime() - afterNanoTime > 0 && predicate.test(received.frame()))
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	CloseStatus awaitClose() throws Exception {
		return this.closeStatus.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public void close() throws Exception {
		this.session.close(CloseStatus.NORMAL);
	}

	/**
	 * A frame and when it arrived.
	 *
	 * @param frame the frame
	 * @param nanoTime its arrival, from {@link System#nanoTime()}
	 */
	record Received(JsonNode frame, long nanoTime) {

	}

}

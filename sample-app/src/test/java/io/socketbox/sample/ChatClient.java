package io.socketbox.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;

import io.socketbox.spring.testsupport.TestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample chat's JSON frames, read through the test support's {@link TestClient}:
 * {@link #next()} takes the next frame, and every frame is kept with its arrival time,
 * for tests that look at a stream of messages as a whole ({@link #numbers()},
 * {@link #awaitFrame}).
 */
final class ChatClient implements AutoCloseable {

	private final JsonMapper jsonMapper;

	private final TestClient client;

	private final List<Received> frames = new ArrayList<>();

	private ChatClient(JsonMapper jsonMapper, TestClient client) {
		this.jsonMapper = jsonMapper;
		this.client = client;
	}

	static ChatClient connect(JsonMapper jsonMapper, int port) {
		return new ChatClient(jsonMapper, TestClient.connect(container(), "ws://127.0.0.1:" + port + "/ws"));
	}

	/**
	 * Connect as the given user of the demo ({@code /ws?user=NAME}).
	 */
	static ChatClient connect(JsonMapper jsonMapper, int port, String user) {
		return new ChatClient(jsonMapper,
				TestClient.connect(container(), "ws://127.0.0.1:" + port + "/ws?user=" + user));
	}

	/**
	 * A container that takes whole messages of up to 64 K characters (the sample's
	 * idle-connection tuning lowers the default of every Tomcat WebSocket container in
	 * the JVM, this client's included) and, as a browser, never closes a connection for
	 * being idle (Jetty's client would after 30 s).
	 */
	private static WebSocketContainer container() {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(64 * 1024);
		container.setDefaultMaxSessionIdleTimeout(0);
		return container;
	}

	void send(String text) {
		this.client.send(text);
	}

	JsonNode next() {
		return this.jsonMapper.readTree(this.client.next());
	}

	JsonNode next(String type) {
		JsonNode message = next();
		assertThat(message.path("type").asString()).as("type of %s", message).isEqualTo(type);
		return message;
	}

	/**
	 * Return every frame received so far, parsing each once.
	 */
	private synchronized List<Received> frames() {
		List<TestClient.Received> received = this.client.received();
		for (TestClient.Received message : received.subList(this.frames.size(), received.size())) {
			this.frames.add(new Received(this.jsonMapper.readTree(message.payload()), message.nanoTime()));
		}
		return List.copyOf(this.frames);
	}

	/**
	 * Return the numbers of the numbered chats received so far (chats whose text is a
	 * number), in the order they arrived.
	 */
	List<Integer> numbers() {
		return frames().stream()
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
		await().alias("chat " + number + " at " + this.client.session().getUri())
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
		return await().alias(description + " at " + this.client.session().getUri())
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> frames().stream()
				.filter((received) -> received.nanoTime() - afterNanoTime > 0 && predicate.test(received.frame()))
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	CloseStatus awaitClose() {
		return this.client.awaitClose();
	}

	boolean isOpen() {
		return this.client.isOpen();
	}

	@Override
	public void close() {
		this.client.close();
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

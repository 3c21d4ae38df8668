package io.socketbox.sample;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client that queues the JSON frames it receives.
 */
final class TestClient extends TextWebSocketHandler implements AutoCloseable {

	private static final long TIMEOUT_SECONDS = 10;

	private final JsonMapper jsonMapper;

	private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

	private final CompletableFuture<CloseStatus> closeStatus = new CompletableFuture<>();

	private final WebSocketSession session;

	private TestClient(JsonMapper jsonMapper, URI uri) throws Exception {
		this.jsonMapper = jsonMapper;
		this.session = new StandardWebSocketClient().execute(this, new WebSocketHttpHeaders(), uri)
			.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	static TestClient connect(JsonMapper jsonMapper, int port) throws Exception {
		return new TestClient(jsonMapper, URI.create("ws://127.0.0.1:" + port + "/ws"));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		this.received.add(this.jsonMapper.readTree(message.getPayload()));
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

}

package io.socketbox.sample;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.awaitility.Awaitility.await;

/**
 * Spring's STOMP client on the sample's {@code /stomp} endpoint, as a user of the demo
 * ({@code ?user=NAME}), that keeps the bodies each subscription receives (as UTF-8 text)
 * and the ERROR frames of its session.
 */
final class StompChatClient implements AutoCloseable {

	/** Larger than any frame the tests receive (a 64 KB text, JSON-escaped). */
	private static final int INBOUND_LIMIT = 1024 * 1024;

	private final WebSocketStompClient client;

	private final StompSession session;

	private final List<String> errors = new CopyOnWriteArrayList<>();

	private volatile boolean transportClosed;

	private StompChatClient(int port, @Nullable String user) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(INBOUND_LIMIT);
		this.client = new WebSocketStompClient(new StandardWebSocketClient(container));
		this.client.setInboundMessageSizeLimit(INBOUND_LIMIT);
		String url = "ws://127.0.0.1:" + port + "/stomp" + ((user != null) ? "?user=" + user : "");
		try {
			this.session = this.client.connectAsync(url, new StompSessionHandlerAdapter() {

				@Override
				public Type getPayloadType(StompHeaders headers) {
					return byte[].class;
				}

				@Override
				public void handleFrame(StompHeaders headers, @Nullable Object payload) {
					StompChatClient.this.errors.add(headers.getFirst("message") + ": " + text(payload));
				}

				@Override
				public void handleException(StompSession session, @Nullable StompCommand command, StompHeaders headers,
						byte[] payload, Throwable exception) {
					StompChatClient.this.errors.add(String.valueOf(exception));
				}

				@Override
				public void handleTransportError(StompSession session, Throwable exception) {
					StompChatClient.this.transportClosed = true;
				}

			}).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect over STOMP to " + url, ex);
		}
	}

	static StompChatClient connect(int port, @Nullable String user) {
		return new StompChatClient(port, user);
	}

	Subscription subscribe(String destination) {
		Subscription subscription = new Subscription();
		this.session.subscribe(destination, subscription);
		return subscription;
	}

	void send(String destination, String text) {
		send(destination, text.getBytes(StandardCharsets.UTF_8), null);
	}

	void send(String destination, byte[] body, @Nullable String contentType) {
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		if (contentType != null) {
			headers.set(StompHeaders.CONTENT_TYPE, contentType);
		}
		this.session.send(headers, body);
	}

	List<String> errors() {
		return this.errors;
	}

	boolean isConnected() {
		return this.session.isConnected() && !this.transportClosed;
	}

	@Override
	public void close() {
		if (this.session.isConnected()) {
			this.session.disconnect();
		}
		this.client.stop();
	}

	private static String text(@Nullable Object payload) {
		return (payload instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(payload);
	}

	/**
	 * What one subscription received, in order, as UTF-8 text.
	 */
	static final class Subscription implements StompFrameHandler {

		private final List<String> bodies = new CopyOnWriteArrayList<>();

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return byte[].class;
		}

		@Override
		public void handleFrame(StompHeaders headers, @Nullable Object payload) {
			this.bodies.add(text(payload));
		}

		List<String> bodies() {
			return this.bodies;
		}

		List<JsonNode> awaitJson(int count) {
			await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
				.until(() -> this.bodies.size() >= count);
			return this.bodies.stream().map(JsonMapper.shared()::readTree).toList();
		}

	}

}

package io.socketbox.spring.internal.stomp;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

import static org.awaitility.Awaitility.await;

/**
 * A real STOMP client over a plain WebSocket, as a browser library would be, that
 * collects what its subscriptions receive and the ERROR frames of its session.
 */
public final class StompTestClient implements AutoCloseable {

	private final WebSocketStompClient client;

	private final StompSession session;

	private final List<String> errors = new CopyOnWriteArrayList<>();

	private volatile boolean closed;

	private StompTestClient(int port, @Nullable String login) {
		this.client = new WebSocketStompClient(new StandardWebSocketClient());
		this.client.setMessageConverter(new StringMessageConverter());
		StompHeaders connectHeaders = new StompHeaders();
		if (login != null) {
			connectHeaders.setLogin(login);
		}
		try {
			this.session = this.client.connectAsync("ws://127.0.0.1:" + port + "/stomp", new WebSocketHttpHeaders(),
					connectHeaders, new StompSessionHandlerAdapter() {

				@Override
				public void handleFrame(StompHeaders headers, @Nullable Object payload) {
					StompTestClient.this.errors.add(headers.getFirst("message") + ": " + payload);
				}

				@Override
				public void handleException(StompSession session, @Nullable StompCommand command, StompHeaders headers,
						byte[] payload, Throwable exception) {
					StompTestClient.this.errors.add(String.valueOf(exception));
				}

				@Override
				public void handleTransportError(StompSession session, Throwable exception) {
					StompTestClient.this.closed = true;
				}

			}).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect over STOMP to port " + port, ex);
		}
	}

	public static StompTestClient connect(int port) {
		return new StompTestClient(port, null);
	}

	/**
	 * Connect with a {@code login} header, which {@link StompUserTestConfiguration} takes
	 * as the session's user.
	 */
	public static StompTestClient connect(int port, String login) {
		return new StompTestClient(port, login);
	}

	/**
	 * Subscribe; Spring's simple broker sends no receipt for a subscription, so callers
	 * wait for the peers to know of it.
	 */
	public Subscription subscribe(String destination) {
		Subscription subscription = new Subscription();
		subscription.handle = this.session.subscribe(destination, subscription);
		return subscription;
	}

	/**
	 * Subscribe with a selector, which Spring's simple broker evaluates against each
	 * message's headers.
	 */
	public Subscription subscribe(String destination, String selector) {
		Subscription subscription = new Subscription();
		StompHeaders headers = new StompHeaders();
		headers.setDestination(destination);
		headers.set("selector", selector);
		subscription.handle = this.session.subscribe(headers, subscription);
		return subscription;
	}

	void send(String destination, String text) {
		this.session.send(destination, text);
	}

	List<String> errors() {
		return this.errors;
	}

	boolean isConnected() {
		return this.session.isConnected() && !this.closed;
	}

	@Override
	public void close() {
		if (this.session.isConnected()) {
			this.session.disconnect();
		}
		this.client.stop();
	}

	/**
	 * What one subscription received, in order.
	 */
	public static final class Subscription implements StompFrameHandler {

		private final List<String> messages = new CopyOnWriteArrayList<>();

		private final List<StompHeaders> headers = new CopyOnWriteArrayList<>();

		private StompSession.@Nullable Subscription handle;

		@Override
		public Type getPayloadType(StompHeaders headers) {
			return String.class;
		}

		@Override
		public void handleFrame(StompHeaders headers, @Nullable Object payload) {
			this.headers.add(headers);
			this.messages.add(String.valueOf(payload));
		}

		public List<String> messages() {
			return this.messages;
		}

		List<StompHeaders> headers() {
			return this.headers;
		}

		public void awaitMessages(int count) {
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(5))
				.until(() -> this.messages.size() >= count);
		}

		void unsubscribe() {
			if (this.handle != null) {
				this.handle.unsubscribe();
			}
		}

	}

}

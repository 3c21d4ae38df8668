package io.socketbox.spring.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.WebSocketContainer;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A real WebSocket client that records every text message it receives.
 */
public final class TestClient extends TextWebSocketHandler implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final WebSocketSession session;

	private final CountDownLatch released = new CountDownLatch(1);

	private volatile boolean stuck;

	private int taken;

	private TestClient(StandardWebSocketClient client, URI uri) throws Exception {
		this(client, new WebSocketHttpHeaders(), uri);
	}

	private TestClient(StandardWebSocketClient client, WebSocketHttpHeaders headers, URI uri) throws Exception {
		this.session = client.execute(this, headers, uri).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Connect to a URI asking for compressed messages ({@code permessage-deflate}), as
	 * browsers do.
	 * @param uri the URI
	 * @return the connected client, compressed if the server agreed
	 */
	public static TestClient connectWithDeflate(String uri) {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketExtensions(List.of(new WebSocketExtension("permessage-deflate")));
		try {
			return new TestClient(new StandardWebSocketClient(), headers, URI.create(uri));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
	}

	/**
	 * Connect to a URI offering a subprotocol.
	 * @param uri the URI
	 * @param protocol the subprotocol
	 * @return the connected client
	 */
	public static TestClient connectWithSubprotocol(String uri, String protocol) {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol(protocol);
		try {
			return new TestClient(new StandardWebSocketClient(), headers, URI.create(uri));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
	}

	/**
	 * Connect to a URI.
	 * @param uri the URI
	 * @return the connected client
	 */
	public static TestClient connect(String uri) {
		return connect(new StandardWebSocketClient(), uri);
	}

	/**
	 * Connect to a URI through the given WebSocket container, for tests whose
	 * application changes the defaults of every container in the JVM.
	 * @param container the container
	 * @param uri the URI
	 * @return the connected client
	 */
	public static TestClient connect(WebSocketContainer container, String uri) {
		return connect(new StandardWebSocketClient(container), uri);
	}

	/**
	 * Connect to a URI with the given client, for example one with an SSL context for a
	 * {@code wss://} URI.
	 * @param client the client
	 * @param uri the URI
	 * @return the connected client
	 */
	public static TestClient connect(StandardWebSocketClient client, String uri) {
		try {
			return new TestClient(client, URI.create(uri));
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not connect to " + uri, ex);
		}
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		session.setTextMessageSizeLimit(1024 * 1024);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws InterruptedException {
		this.received.add(new Received(message.getPayload(), System.nanoTime()));
		if (this.stuck) {
			// Hold the reading thread, so that unread bytes pile up in the socket
			this.released.await(60, TimeUnit.SECONDS);
		}
	}

	/**
	 * Stop reading at the next message, as a stuck peer would, until {@link #close()}.
	 */
	public void stopReading() {
		this.stuck = true;
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.closed.complete(status);
	}

	public void send(String text) {
		try {
			this.session.sendMessage(new TextMessage(text));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Send a message unless the other side has closed the connection already.
	 * @param text the message
	 */
	public void sendIfOpen(String text) {
		try {
			this.session.sendMessage(new TextMessage(text));
		}
		catch (Exception ex) {
			// Closed by the server in the meantime: nothing was sent
		}
	}

	/**
	 * Return when each message arrived, as {@link System#nanoTime()}, in the order of
	 * {@link #messages()}.
	 * @return the arrival times
	 */
	public List<Long> arrivals() {
		return received().stream().map(Received::nanoTime).toList();
	}

	public List<String> messages() {
		return received().stream().map(Received::payload).toList();
	}

	/**
	 * Return every message received so far with its arrival, in order.
	 * @return the messages
	 */
	public List<Received> received() {
		synchronized (this.received) {
			return List.copyOf(this.received);
		}
	}

	/**
	 * Take the next message that no earlier call has taken, waiting up to 10 seconds for
	 * it to arrive.
	 * @return the message
	 */
	public String next() {
		int index = this.taken;
		String message = Awaitility.await()
			.alias("message " + (index + 1) + " within " + TIMEOUT.toSeconds() + "s at " + this.session.getUri())
			.atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> messageAt(index), (found) -> found != null);
		this.taken = index + 1;
		return message;
	}

	private @Nullable String messageAt(int index) {
		synchronized (this.received) {
			return (index < this.received.size()) ? this.received.get(index).payload() : null;
		}
	}

	/**
	 * Wait for a message that starts with the given prefix.
	 * @param prefix the prefix
	 * @return the first such message
	 */
	public String awaitMessageStartingWith(String prefix) {
		return Awaitility.await()
			.atMost(TIMEOUT)
			.until(() -> messages().stream().filter((m) -> m.startsWith(prefix)).findFirst(), (m) -> m.isPresent())
			.get();
	}

	public long count(String message) {
		return messages().stream().filter(message::equals).count();
	}

	public CloseStatus awaitClose() {
		try {
			return this.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Connection was not closed", ex);
		}
	}

	public boolean isOpen() {
		return this.session.isOpen();
	}

	public WebSocketSession session() {
		return this.session;
	}

	@Override
	public void close() {
		this.released.countDown();
		try {
			this.session.close();
		}
		catch (Exception ex) {
			// Already closed
		}
	}

	/**
	 * A message and when it arrived.
	 *
	 * @param payload the text of the message
	 * @param nanoTime its arrival, from {@link System#nanoTime()}
	 */
	public record Received(String payload, long nanoTime) {

	}

}

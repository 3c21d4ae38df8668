package io.socketbox.spring.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A real WebSocket client that records every text message it receives.
 */
public final class TestClient extends TextWebSocketHandler implements AutoCloseable {

	private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

	private final List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final WebSocketSession session;

	private final CountDownLatch released = new CountDownLatch(1);

	private volatile boolean stuck;

	private TestClient(URI uri) throws Exception {
		this.session = new StandardWebSocketClient().execute(this, new WebSocketHttpHeaders(), uri)
			.get(10, TimeUnit.SECONDS);
	}

	/**
	 * Connect to a URI.
	 * @param uri the URI
	 * @return the connected client
	 */
	public static TestClient connect(String uri) {
		try {
			return new TestClient(URI.create(uri));
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
		this.arrivals.add(System.nanoTime());
		this.messages.add(message.getPayload());
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
		synchronized (this.arrivals) {
			return List.copyOf(this.arrivals);
		}
	}

	public List<String> messages() {
		synchronized (this.messages) {
			return List.copyOf(this.messages);
		}
	}

	/**
	 * Wait for a message that starts with the given prefix.
	 * @param prefix the prefix
	 * @return the first such message
	 */
	public String awaitMessageStartingWith(String prefix) {
		return Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> messages().stream().filter((m) -> m.startsWith(prefix)).findFirst(), (m) -> m.isPresent())
			.get();
	}

	public long count(String message) {
		return messages().stream().filter(message::equals).count();
	}

	public CloseStatus awaitClose() {
		try {
			return this.closed.get(10, TimeUnit.SECONDS);
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

}

package io.socketbox.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A STOMP client over the JDK's WebSocket client. Counts the messages of the measured
 * stream (sequence 0 and up) by sequence number: distinct ones, duplicates, and records
 * their latency from the send time in the body.
 */
final class StompClient implements WebSocket.Listener {

	private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();

	private final StringBuilder partial = new StringBuilder();

	private final BitSet seen = new BitSet();

	private final AtomicLong warmups = new AtomicLong();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong distinct = new AtomicLong();

	private final AtomicLong duplicates = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final Recorder recorder = new Recorder(MAX_LATENCY_MICROS, 3);

	private volatile LongConsumer onMessage;

	private volatile boolean closed;

	private volatile String closeReason;

	private CompletableFuture<WebSocket> tail = this.opened;

	static CompletableFuture<StompClient> connect(HttpClient http, int port, Duration timeout) {
		StompClient client = new StompClient();
		return http.newWebSocketBuilder()
			.connectTimeout(timeout)
			.buildAsync(URI.create("ws://127.0.0.1:" + port + "/stomp"), client)
			.thenCompose((ws) -> {
				client.send(StompFrames.connect());
				return client.connected;
			})
			.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((ignored) -> client);
	}

	void subscribe(String destination) {
		send(StompFrames.subscribe("0", destination));
	}

	void publish(String destination, String body) {
		send(StompFrames.send(destination, body));
	}

	/**
	 * Run the given consumer with the sequence number of every message received.
	 */
	void onMessage(LongConsumer consumer) {
		this.onMessage = consumer;
	}

	long warmups() {
		return this.warmups.get();
	}

	long received() {
		return this.received.get();
	}

	long distinct() {
		return this.distinct.get();
	}

	long duplicates() {
		return this.duplicates.get();
	}

	long errors() {
		return this.errors.get();
	}

	boolean isClosed() {
		return this.closed;
	}

	String closeReason() {
		return this.closeReason;
	}

	/**
	 * Return the latencies recorded since the last call.
	 */
	Histogram latencies() {
		return this.recorder.getIntervalHistogram();
	}

	private synchronized void send(String frame) {
		this.tail = this.tail.thenCompose((ws) -> ws.sendText(frame, true));
	}

	/**
	 * Wait until every frame handed to this client so far is written.
	 */
	void flush(Duration timeout) {
		CompletableFuture<WebSocket> last;
		synchronized (this) {
			last = this.tail;
		}
		last.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	void close() {
		this.opened.thenAccept(WebSocket::abort);
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.opened.complete(webSocket);
		webSocket.request(Long.MAX_VALUE);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			String message = this.partial.toString();
			this.partial.setLength(0);
			handle(message);
		}
		return null;
	}

	@Override
	public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		return onText(webSocket, StandardCharsets.UTF_8.decode(data), last);
	}

	private void handle(String message) {
		long now = System.nanoTime();
		for (StompFrames.Frame frame : StompFrames.parse(message)) {
			switch (frame.command()) {
				case "MESSAGE" -> message(frame.body(), now);
				case "CONNECTED" -> this.connected.complete(null);
				case "ERROR" -> {
					this.errors.incrementAndGet();
					this.connected.completeExceptionally(
							new IllegalStateException("ERROR " + frame.headers().get("message")));
				}
				default -> {
				}
			}
		}
	}

	private void message(String body, long now) {
		long sequence = StompFrames.sequence(body);
		if (sequence < 0) {
			this.warmups.incrementAndGet();
		}
		else {
			this.received.incrementAndGet();
			boolean duplicate;
			synchronized (this.seen) {
				duplicate = this.seen.get((int) sequence);
				this.seen.set((int) sequence);
			}
			if (duplicate) {
				this.duplicates.incrementAndGet();
			}
			else {
				this.distinct.incrementAndGet();
			}
			long micros = (now - StompFrames.sentAt(body)) / 1000;
			this.recorder.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, micros)));
		}
		LongConsumer consumer = this.onMessage;
		if (consumer != null) {
			consumer.accept(sequence);
		}
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closed = true;
		this.closeReason = error.toString();
		this.connected.completeExceptionally(error);
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closed = true;
		this.closeReason = statusCode + " " + reason;
		this.connected.completeExceptionally(new IllegalStateException("Closed: " + statusCode + " " + reason));
		return null;
	}

}

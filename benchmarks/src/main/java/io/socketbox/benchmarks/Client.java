package io.socketbox.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One benchmark connection over the JDK's WebSocket client. Counts the messages it
 * receives and, while recording, their latency from the send time in the payload.
 * Sends are chained, because the JDK client takes one outstanding send at a time.
 */
final class Client implements WebSocket.Listener {

	/** Latencies up to one minute, in microseconds. */
	private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(1);

	private final Wire wire;

	private final int node;

	private final CompletableFuture<String> welcome = new CompletableFuture<>();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicLong queued = new AtomicLong();

	private volatile Recorder recorder;

	private volatile LongConsumer onMessage;

	private final StringBuilder partial = new StringBuilder();

	private final CompletableFuture<WebSocket> opened = new CompletableFuture<>();

	private CompletableFuture<WebSocket> tail = this.opened;

	private volatile WebSocket webSocket;

	private Client(Wire wire, int node) {
		this.wire = wire;
		this.node = node;
	}

	/**
	 * Open a connection and wait until the server has told its id.
	 */
	static CompletableFuture<Client> connect(HttpClient http, Wire wire, int node, int port, Duration timeout) {
		Client client = new Client(wire, node);
		URI uri = URI.create("ws://127.0.0.1:" + port + wire.path());
		return http.newWebSocketBuilder()
			.connectTimeout(timeout)
			.buildAsync(uri, client)
			.thenCompose((ws) -> client.welcome)
			.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.thenApply((id) -> client);
	}

	String id() {
		return this.welcome.getNow(null);
	}

	int node() {
		return this.node;
	}

	long received() {
		return this.received.get();
	}

	long errors() {
		return this.errors.get();
	}

	/**
	 * Return how many frames wait to be written.
	 */
	long queued() {
		return this.queued.get();
	}

	void startRecording() {
		this.recorder = new Recorder(MAX_LATENCY_MICROS, 3);
	}

	/**
	 * Stop recording and return the latencies since {@link #startRecording()}, in
	 * microseconds.
	 */
	Histogram stopRecording() {
		Recorder current = this.recorder;
		this.recorder = null;
		return (current != null) ? current.getIntervalHistogram() : new Histogram(MAX_LATENCY_MICROS, 3);
	}

	/**
	 * Call the given consumer with the send time of every message received.
	 */
	void onMessage(LongConsumer consumer) {
		this.onMessage = consumer;
	}

	void chat(String text) {
		send(this.wire.chat(text));
	}

	void direct(String to, String text) {
		send(this.wire.direct(to, text));
	}

	private synchronized void send(String frame) {
		this.queued.incrementAndGet();
		this.tail = this.tail.thenCompose((ws) -> ws.sendText(frame, true)).whenComplete((ws, ex) -> {
			this.queued.decrementAndGet();
		});
	}

	void close() {
		WebSocket ws = this.webSocket;
		if (ws != null) {
			ws.abort();
		}
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.webSocket = webSocket;
		// A frame may arrive, and need an answer, before buildAsync completes
		this.opened.complete(webSocket);
		webSocket.request(Long.MAX_VALUE);
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		if (!last || this.partial.length() > 0) {
			this.partial.append(data);
			if (!last) {
				return null;
			}
			data = this.partial.toString();
			this.partial.setLength(0);
		}
		long now = System.nanoTime();
		String frame = data.toString();
		switch (this.wire.read(frame)) {
			case MESSAGE -> {
				this.received.incrementAndGet();
				long sentAt = Payload.sentAt(frame);
				Recorder current = this.recorder;
				if (current != null && sentAt > 0) {
					current.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, (now - sentAt) / 1000)));
				}
				LongConsumer consumer = this.onMessage;
				if (consumer != null) {
					consumer.accept(sentAt);
				}
			}
			case WELCOME -> this.welcome.complete(this.wire.connectionId(frame));
			case ERROR -> this.errors.incrementAndGet();
			case OTHER -> {
				String reply = this.wire.reply(frame);
				if (reply != null) {
					send(reply);
				}
			}
		}
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.welcome.completeExceptionally(error);
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.welcome.completeExceptionally(new IllegalStateException("Closed: " + statusCode + " " + reason));
		return null;
	}

}

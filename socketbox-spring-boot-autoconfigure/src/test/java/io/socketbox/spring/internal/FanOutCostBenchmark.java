package io.socketbox.spring.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.mockito.Mockito.mock;

/**
 * Prints what a broadcast to many local connections costs on the sending side, without
 * sockets: UTF-8 encoding for each connection (what Tomcat's {@code sendText} does)
 * against encoding once and sharing read-only views (what the Jetty sender does), and
 * the outbox against a direct call of the sender. Figures from a loaded machine are
 * indicative only. Not a test: run its {@code main} with the test class path.
 */
public final class FanOutCostBenchmark {

	private static final int CONNECTIONS = 200;

	private static volatile long sink;

	private FanOutCostBenchmark() {
	}

	public static void main(String[] args) {
		List<String> texts = List.of("{\"type\":\"chat\",\"text\":\"" + "x".repeat(80) + "\"}",
				"{\"text\":\"" + "x".repeat(1000) + "\"}", "{\"text\":\"" + "\u00e9\u20ac".repeat(500) + "\"}",
				"{\"text\":\"" + "x".repeat(16_000) + "\"}");
		System.out.printf("Broadcast to %d connections, ns per broadcast (median of 5 rounds)%n", CONNECTIONS);
		System.out.printf("%-12s %14s %14s %8s%n", "payload", "encode each", "encode once", "ratio");
		for (String text : texts) {
			long each = median(() -> encodeEach(text));
			long once = median(() -> encodeOnce(text));
			System.out.printf("%-12s %14d %14d %7.1fx%n", OutboundText.of(text).size() + " B", each, once,
					(double) each / once);
		}
		System.out.println();
		System.out.println("Outbox against a direct call of the sender, ns per message (sender completes at once)");
		long direct = median(FanOutCostBenchmark::direct);
		long outbox = median(FanOutCostBenchmark::outbox);
		System.out.printf("direct %d, outbox %d%n", direct / CONNECTIONS, outbox / CONNECTIONS);
	}

	private static long encodeEach(String text) {
		OutboundText message = OutboundText.of(text);
		long total = 0;
		for (int i = 0; i < CONNECTIONS; i++) {
			total += message.text().getBytes(StandardCharsets.UTF_8).length;
		}
		return total;
	}

	private static long encodeOnce(String text) {
		OutboundText message = OutboundText.of(text);
		long total = 0;
		for (int i = 0; i < CONNECTIONS; i++) {
			ByteBuffer payload = message.payload();
			total += payload.remaining();
		}
		return total;
	}

	private static final TextSender NO_OP = (messages, completion) -> {
		sink += messages.size();
		completion.accept(null);
	};

	private static final OutboundText MESSAGE = OutboundText.of("{\"text\":\"hello\"}");

	private static long direct() {
		for (int i = 0; i < CONNECTIONS; i++) {
			NO_OP.send(List.of(MESSAGE), (failure) -> sink++);
		}
		return sink;
	}

	private static final LocalConnection CONNECTION = new LocalConnection("node.1", mock(WebSocketSession.class),
			NO_OP, Runnable::run, new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 1 << 20, 0), new ConnectionOutbox.Listener() {

				@Override
				public void cut(LocalConnection connection, ConnectionOutbox.CutReason reason, Throwable failure,
						boolean abort) {
				}

				@Override
				public void abort(LocalConnection connection) {
				}

				@Override
				public void close(LocalConnection connection, CloseStatus status) {
				}

			});

	static {
		CONNECTION.open();
	}

	private static long outbox() {
		for (int i = 0; i < CONNECTIONS; i++) {
			CONNECTION.deliver(MESSAGE);
		}
		return sink;
	}

	/**
	 * Run a broadcast often enough to be measured and return the median time of one, in
	 * nanoseconds.
	 */
	private static long median(java.util.function.LongSupplier broadcast) {
		int iterations = 2_000;
		for (int i = 0; i < iterations; i++) {
			sink += broadcast.getAsLong();
		}
		long[] rounds = new long[5];
		for (int round = 0; round < rounds.length; round++) {
			long start = System.nanoTime();
			for (int i = 0; i < iterations; i++) {
				sink += broadcast.getAsLong();
			}
			rounds[round] = (System.nanoTime() - start) / iterations;
		}
		java.util.Arrays.sort(rounds);
		return rounds[rounds.length / 2];
	}

}

package io.socketbox.spring.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.socketbox.spring.SocketBoxMessaging;

/**
 * Broadcasts {@code <prefix>1}, {@code <prefix>2}, ... from one thread at a fixed rate,
 * so that a test can tell exactly which numbers arrived where.
 */
public final class NumberedStream implements AutoCloseable {

	private final String prefix;

	private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "numbered-stream");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger sent = new AtomicInteger();

	private NumberedStream(SocketBoxMessaging messaging, String prefix, Duration period) {
		this.prefix = prefix;
		this.sender.scheduleAtFixedRate(() -> messaging.broadcast(prefix + this.sent.incrementAndGet()), 0,
				period.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Start broadcasting.
	 * @param messaging the messaging of the sending node
	 * @param prefix what each message starts with, before its number
	 * @param period the time between two messages
	 * @return the running stream
	 */
	public static NumberedStream start(SocketBoxMessaging messaging, String prefix, Duration period) {
		return new NumberedStream(messaging, prefix, period);
	}

	/**
	 * Return how many messages have been sent so far.
	 * @return the highest number sent
	 */
	public int sent() {
		return this.sent.get();
	}

	/**
	 * Stop sending.
	 * @return the highest number sent
	 */
	public int stop() {
		this.sender.shutdown();
		try {
			if (!this.sender.awaitTermination(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Numbered stream did not stop");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return this.sent.get();
	}

	/**
	 * Return the numbers among the given messages that carry this stream's prefix, in the
	 * order received.
	 * @param messages the messages a client received
	 * @return the numbers
	 */
	public List<Integer> numbersIn(List<String> messages) {
		return numbersIn(messages, this.prefix);
	}

	/**
	 * Return the numbers among the given messages that start with a prefix, in order.
	 * @param messages the messages a client received
	 * @param prefix the prefix before each number
	 * @return the numbers
	 */
	public static List<Integer> numbersIn(List<String> messages, String prefix) {
		return messages.stream()
			.filter((message) -> message.startsWith(prefix))
			.map((message) -> Integer.valueOf(message.substring(prefix.length())))
			.toList();
	}

	/**
	 * Return the numbers from 1 to the given one.
	 * @param last the last number
	 * @return 1, 2, ... last
	 */
	public static List<Integer> oneTo(int last) {
		return IntStream.rangeClosed(1, last).boxed().toList();
	}

	@Override
	public void close() {
		this.sender.shutdownNow();
	}

}

package io.socketbox.spring.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.SocketBoxMessaging;

/**
 * Broadcasts {@code <prefix>1}, {@code <prefix>2}, ... from one thread at a fixed rate,
 * one at a time and in that order, so that a test can tell exactly which numbers arrived
 * where. A number counts as sent once its send has returned; a send that fails stops the
 * stream, and every later call that reads the count fails with it.
 */
public final class NumberedStream implements AutoCloseable {

	private final String prefix;

	private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "numbered-stream");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

	private NumberedStream(Sender sender, String prefix, Duration period) {
		this.prefix = prefix;
		// A fixed-rate task never overlaps itself: one send at a time, in order
		this.sender.scheduleAtFixedRate(() -> sendNext(sender), 0, period.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Start broadcasting through a node's messaging.
	 * @param messaging the messaging of the sending node
	 * @param prefix what each message starts with, before its number
	 * @param period the time between two messages
	 * @return the running stream
	 */
	public static NumberedStream start(SocketBoxMessaging messaging, String prefix, Duration period) {
		return start(messaging::broadcast, prefix, period);
	}

	/**
	 * Start broadcasting through any sender, such as a node's HTTP API.
	 * @param sender sends one message, and throws if it was not accepted
	 * @param prefix what each message starts with, before its number
	 * @param period the time between two messages
	 * @return the running stream
	 */
	public static NumberedStream start(Sender sender, String prefix, Duration period) {
		return new NumberedStream(sender, prefix, period);
	}

	private void sendNext(Sender sender) {
		int next = this.sent.get() + 1;
		try {
			sender.send(this.prefix + next);
			this.sent.set(next);
		}
		catch (RuntimeException ex) {
			this.failure.compareAndSet(null, ex);
			// Throwing cancels the schedule: nothing is sent after a failed number
			throw ex;
		}
	}

	/**
	 * Return how many messages have been sent so far.
	 * @return the highest number sent
	 */
	public int sent() {
		assertNoFailure();
		return this.sent.get();
	}

	/**
	 * Wait until more numbers than now have been sent.
	 * @param count how many more
	 * @return the highest number sent once there are {@code count} more
	 */
	public int awaitMore(int count) {
		int target = sent() + count;
		Awaitility.await()
			.alias(count + " more numbers sent")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> sent() >= target);
		return sent();
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
		return sent();
	}

	private void assertNoFailure() {
		Throwable failed = this.failure.get();
		if (failed != null) {
			throw new AssertionError("The numbered stream failed after " + this.sent.get(), failed);
		}
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
		return range(1, last);
	}

	/**
	 * Return the numbers from {@code first} to {@code last}, both included.
	 * @param first the first number
	 * @param last the last number
	 * @return first, first + 1, ... last
	 */
	public static List<Integer> range(int first, int last) {
		return IntStream.rangeClosed(first, last).boxed().toList();
	}

	@Override
	public void close() {
		this.sender.shutdownNow();
	}

	/**
	 * Sends one numbered message.
	 */
	@FunctionalInterface
	public interface Sender {

		/**
		 * Send a message.
		 * @param message the message
		 * @throws RuntimeException if the message was not accepted
		 */
		void send(String message);

	}

}

package io.socketbox.spring.internal;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ConnectionOutbox}: one write at a time in order, held messages after
 * what {@code onConnect} sent, and the limits that cut a connection off.
 */
class ConnectionOutboxTests {

	private final ManualSender sender = new ManualSender();

	private final RecordingListener listener = new RecordingListener();

	private final LocalConnection connection = new LocalConnection("node.1", mock(WebSocketSession.class),
			this.sender, Runnable::run, new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 100, 0), this.listener);

	@Test
	void withoutAPingIntervalNoPingIsWritten() {
		this.connection.open();
		this.connection.deliver(text("a"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a");
		assertThat(this.sender.pending).isEmpty();
	}

	@Test
	void aPingFollowsWrittenDataAndOnlyAPongThatEchoesItAllowsTheNext() {
		LocalConnection connection = pinging(TimeUnit.SECONDS.toNanos(10));
		connection.open();
		assertThat(this.sender.started).isEmpty();
		connection.deliver(text("a"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING");
		assertThat(this.sender.pings.get(0).remaining()).isEqualTo(Long.BYTES);
		this.sender.complete(null);
		// Unanswered: the next data goes without another ping
		connection.deliver(text("b"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING", "b");
		// A pong of its own does not answer it
		ByteBuffer echo = this.sender.pings.get(0).duplicate();
		connection.outbox().pong(ByteBuffer.allocate(Long.BYTES).putLong(0, echo.getLong(0) + 1));
		connection.deliver(text("c"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING", "b", "c");
		connection.outbox().pong(echo);
		connection.deliver(text("d"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING", "b", "c", "d", "PING");
		assertThat(this.sender.pings.get(1)).isNotEqualTo(this.sender.pings.get(0));
		assertThat(this.listener.cut).isEmpty();
	}

	@Test
	void aPingUnansweredForTheSendTimeLimitCutsTheConnectionWithoutFurtherMessages() {
		LocalConnection connection = pinging(TimeUnit.MILLISECONDS.toNanos(50));
		connection.open();
		assertThat(connection.outbox().checkReadLiveness()).as("no ping outstanding").isFalse();
		connection.deliver(text("a"));
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING");
		this.sender.complete(null);
		await().atMost(Duration.ofSeconds(10)).until(() -> connection.outbox().checkReadLiveness());
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.READ_LIVENESS);
		assertThat(this.listener.aborted).isOne();
		assertThat(connection.deliver(text("b"))).isFalse();
	}

	@Test
	void aMessageOfferedAfterAPingWentUnansweredCutsTheConnectionForReadLiveness() {
		LocalConnection connection = pinging(TimeUnit.MILLISECONDS.toNanos(50));
		connection.open();
		connection.deliver(text("a"));
		this.sender.complete(null);
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "PING");
		// Each write completes at once, so none is in progress when the next is offered:
		// the cut is for the unanswered ping, not for a slow write
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			boolean taken = connection.deliver(text("b"));
			if (taken) {
				this.sender.complete(null);
			}
			return !taken;
		});
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.READ_LIVENESS);
	}

	@Test
	void aPongInTimeKeepsTheConnection() {
		LocalConnection connection = pinging(TimeUnit.MILLISECONDS.toNanos(200));
		connection.open();
		connection.deliver(text("a"));
		this.sender.complete(null);
		this.sender.complete(null);
		connection.outbox().pong(this.sender.pings.get(0).duplicate());
		assertThat(connection.outbox().checkReadLiveness()).isFalse();
		assertThat(this.listener.cut).isEmpty();
	}

	/**
	 * A connection that may ping after every write (an interval of 1 ns).
	 */
	private LocalConnection pinging(long sendTimeLimitNanos) {
		return new LocalConnection("node.2", mock(WebSocketSession.class), this.sender, Runnable::run,
				new ConnectionOutbox.Limits(sendTimeLimitNanos, 100, 1), this.listener);
	}

	@Test
	void writesOneMessageAtATimeInOrder() {
		this.connection.open();
		this.connection.deliver(text("a"));
		this.connection.deliver(text("b"));
		this.connection.deliver(text("c"));
		assertThat(this.sender.started).containsExactly("a");
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "b");
		this.sender.complete(null);
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "b", "c");
		assertThat(this.sender.pending).isEmpty();
	}

	@Test
	void writesThatCompleteAtOnceGoOnWithoutGrowingTheStack() {
		this.sender.completeAtOnce = true;
		this.connection.open();
		for (int i = 0; i < 10_000; i++) {
			assertThat(this.connection.deliver(text("m"))).isTrue();
		}
		assertThat(this.sender.started).hasSize(10_000);
	}

	@Test
	void messagesThatQueuedDuringAWriteLeaveTogetherInTheNextOne() {
		this.sender.batches = true;
		this.connection.open();
		this.connection.deliver(text("a"));
		this.connection.deliver(text("b"));
		this.connection.send(text("c"));
		this.connection.deliver(text("d"));
		assertThat(this.sender.writes).containsExactly(List.of("a"));
		this.sender.complete(null);
		assertThat(this.sender.writes).containsExactly(List.of("a"), List.of("b", "c", "d"));
		this.sender.complete(null);
		assertThat(this.sender.pending).isEmpty();
		// Idle again: the next message leaves at once, alone
		this.connection.deliver(text("e"));
		assertThat(this.sender.writes).last().isEqualTo(List.of("e"));
	}

	@Test
	void aWriteToAnIdleConnectionStartsOnAWriterThreadAndTheNextOnTheThreadThatCompletedIt() {
		this.sender.batches = true;
		ArrayDeque<Runnable> writers = new ArrayDeque<>();
		LocalConnection connection = new LocalConnection("node.3", mock(WebSocketSession.class), this.sender,
				writers::add, new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 100, 0), this.listener);
		connection.open();
		connection.deliver(text("a"));
		connection.deliver(text("b"));
		connection.send(text("c"));
		assertThat(this.sender.started).as("written by the callers").isEmpty();
		assertThat(writers).hasSize(1);
		writers.poll().run();
		// What queued while the write waited for a writer thread leaves in the next one
		assertThat(this.sender.writes).containsExactly(List.of("a"));
		this.sender.complete(null);
		assertThat(this.sender.writes).containsExactly(List.of("a"), List.of("b", "c"));
		assertThat(writers).as("continued by the completion").isEmpty();
		this.sender.complete(null);
		// Idle again: the next message waits for a writer thread
		connection.deliver(text("d"));
		assertThat(this.sender.writes).hasSize(2);
		writers.poll().run();
		assertThat(this.sender.writes).last().isEqualTo(List.of("d"));
		assertThat(this.listener.cut).isEmpty();
	}

	@Test
	void aWriteTheWriterThreadsRefuseCutsTheConnectionOff() {
		LocalConnection connection = new LocalConnection("node.4", mock(WebSocketSession.class), this.sender,
				(task) -> {
					throw new RejectedExecutionException("stopped");
				}, new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 100, 0), this.listener);
		connection.open();
		assertThat(connection.deliver(text("a"))).isTrue();
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_FAILED);
		assertThat(this.listener.aborted).isOne();
		assertThat(connection.deliver(text("b"))).isFalse();
		assertThat(this.sender.started).isEmpty();
	}

	@Test
	void aBatchFreesItsBytesOfTheBufferLimit() {
		this.sender.batches = true;
		this.connection.open();
		this.connection.deliver(text("x".repeat(60)));
		this.connection.deliver(text("y".repeat(30)));
		this.connection.deliver(text("z".repeat(30)));
		this.sender.complete(null);
		// 60 bytes were waiting and left in one write: 90 more may wait behind it
		assertThat(this.connection.deliver(text("w".repeat(90)))).isTrue();
		assertThat(this.listener.cut).isEmpty();
		assertThat(this.connection.deliver(text("v".repeat(11)))).isFalse();
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_BUFFER_LIMIT);
	}

	@Test
	void heldMessagesStillCountAgainstTheLimitWhileABatchLeaves() {
		this.sender.batches = true;
		this.connection.send(text("welcome"));
		this.connection.send(text("a".repeat(40)));
		this.connection.deliver(text("h".repeat(40)));
		this.sender.complete(null);
		assertThat(this.sender.writes).containsExactly(List.of("welcome"), List.of("a".repeat(40)));
		// The held 40 bytes still wait: 61 more would make 101
		assertThat(this.connection.deliver(text("x".repeat(61)))).isFalse();
	}

	@Test
	void aFailedBatchIsNotWrittenAgain() {
		this.sender.batches = true;
		this.connection.open();
		this.connection.deliver(text("a"));
		this.connection.deliver(text("b"));
		this.connection.deliver(text("c"));
		this.sender.complete(null);
		this.sender.complete(new IOException("Broken pipe"));
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_FAILED);
		assertThat(this.connection.deliver(text("d"))).isFalse();
		assertThat(this.sender.writes).containsExactly(List.of("a"), List.of("b", "c"));
	}

	@Test
	void messagesFromElsewhereWaitUntilOnConnectHasReturned() {
		this.connection.deliver(text("broadcast"));
		this.connection.send(text("welcome"));
		assertThat(this.sender.started).containsExactly("welcome");
		this.connection.open();
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("welcome", "broadcast");
	}

	@Test
	void moreThanTheBufferLimitWaitingCutsTheConnectionOff() {
		this.connection.open();
		// The first is being written; the second waits (60 bytes of 100); a third would make 120
		assertThat(this.connection.deliver(text("x".repeat(60)))).isTrue();
		assertThat(this.connection.deliver(text("x".repeat(60)))).isTrue();
		assertThat(this.connection.deliver(text("x".repeat(60)))).isFalse();
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_BUFFER_LIMIT);
		// Closed once the write in progress has ended, not under it
		assertThat(this.listener.aborted).isZero();
		this.sender.complete(null);
		assertThat(this.listener.aborted).isOne();
		assertThat(this.sender.started).hasSize(1);
		assertThat(this.connection.deliver(text("later"))).isFalse();
	}

	@Test
	void aMessageLargerThanTheLimitIsSentWhenNothingWaits() {
		this.connection.open();
		assertThat(this.connection.deliver(text("x".repeat(1000)))).isTrue();
		assertThat(this.listener.cut).isEmpty();
	}

	@Test
	void aWriteThatTimesOutCutsTheConnectionOff() {
		this.connection.open();
		this.connection.deliver(text("a"));
		this.connection.deliver(text("b"));
		this.sender.complete(new SocketTimeoutException());
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_TIME_LIMIT);
		assertThat(this.listener.aborted).isOne();
		assertThat(this.sender.started).containsExactly("a");
	}

	@Test
	void aWriteThatFailsCutsOnlyThisConnection() {
		this.connection.open();
		this.connection.deliver(text("a"));
		this.sender.complete(new IOException("Broken pipe"));
		assertThat(this.listener.cut).containsExactly(ConnectionOutbox.CutReason.SEND_FAILED);
	}

	@Test
	void closeWaitsForWhatIsQueued() {
		this.connection.open();
		this.connection.deliver(text("a"));
		this.connection.deliver(text("b"));
		this.connection.close(CloseStatus.GOING_AWAY);
		assertThat(this.connection.deliver(text("after close"))).isFalse();
		assertThat(this.listener.closed).isEmpty();
		this.sender.complete(null);
		assertThat(this.listener.closed).isEmpty();
		this.sender.complete(null);
		assertThat(this.sender.started).containsExactly("a", "b");
		assertThat(this.listener.closed).containsExactly(CloseStatus.GOING_AWAY);
	}

	@Test
	void closeOfAnIdleConnectionIsImmediate() {
		this.connection.open();
		this.connection.close(CloseStatus.NORMAL);
		assertThat(this.listener.closed).containsExactly(CloseStatus.NORMAL);
	}

	private static OutboundText text(String text) {
		return OutboundText.of(text);
	}

	/**
	 * A sender whose writes complete when the test says so.
	 */
	static final class ManualSender implements TextSender {

		final List<String> started = new ArrayList<>();

		private final ArrayDeque<Consumer<@Nullable Throwable>> pending = new ArrayDeque<>();

		private final List<List<String>> writes = new ArrayList<>();

		private boolean completeAtOnce;

		private boolean batches;

		final List<ByteBuffer> pings = new ArrayList<>();

		@Override
		public boolean batches() {
			return this.batches;
		}

		@Override
		public boolean pings() {
			return true;
		}

		@Override
		public void ping(ByteBuffer payload, Consumer<@Nullable Throwable> completion) {
			this.pings.add(payload);
			this.started.add("PING");
			this.writes.add(List.of("PING"));
			this.pending.add(completion);
		}

		@Override
		public void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion) {
			assertThat(messages).hasSizeGreaterThanOrEqualTo(1);
			if (!this.batches) {
				assertThat(messages).hasSize(1);
			}
			List<String> texts = messages.stream().map(OutboundText::text).toList();
			this.started.addAll(texts);
			this.writes.add(texts);
			if (this.completeAtOnce) {
				completion.accept(null);
			}
			else {
				this.pending.add(completion);
			}
		}

		void complete(@Nullable Throwable failure) {
			this.pending.poll().accept(failure);
		}

	}

	static final class RecordingListener implements ConnectionOutbox.Listener {

		private final List<ConnectionOutbox.CutReason> cut = new ArrayList<>();

		private final List<CloseStatus> closed = new ArrayList<>();

		private int aborted;

		@Override
		public void cut(LocalConnection connection, ConnectionOutbox.CutReason reason,
				@Nullable Throwable failure, boolean abort) {
			this.cut.add(reason);
			if (abort) {
				abort(connection);
			}
		}

		@Override
		public void abort(LocalConnection connection) {
			this.aborted++;
		}

		@Override
		public void close(LocalConnection connection, CloseStatus status) {
			this.closed.add(status);
		}

	}

}

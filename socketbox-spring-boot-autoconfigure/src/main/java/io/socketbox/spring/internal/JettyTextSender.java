package io.socketbox.spring.internal;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.WebSocketSession;

/**
 * A {@link TextSender} for Jetty 12 that writes prepared TEXT frames through the
 * connection's {@link CoreSession}: all but the last of a batch with
 * {@code batch=true}, which Jetty may gather into one buffer, the last without, which
 * flushes them all in one write. Each frame's payload is a view of its own of the
 * message's UTF-8 bytes, encoded once for every connection, so that the write (and an
 * extension such as permessage-deflate that reads the payload) moves only its own
 * position.
 * <p>
 * Jetty has no time limit of its own for a write (its idle timeout would also close
 * browsers that only listen): a write that has not completed when this sender returns
 * gets a timer task that aborts the connection at the send time limit, reported as a
 * {@link SocketTimeoutException}. Writes that complete at once cost no task.
 * <p>
 * A ping is one more frame, queued the same way, without waiting.
 */
final class JettyTextSender implements TextSender {

	private final CoreSession session;

	private final ScheduledExecutorService timer;

	private final long sendTimeLimitNanos;

	JettyTextSender(CoreSession session, ScheduledExecutorService timer, long sendTimeLimitNanos) {
		this.session = session;
		this.timer = timer;
		this.sendTimeLimitNanos = sendTimeLimitNanos;
	}

	/**
	 * Return a sender for a Jetty 12 session: a Jakarta WebSocket one (Spring's
	 * standard upgrade strategy, its default) or one of Jetty's own API
	 * ({@code JettyRequestUpgradeStrategy}).
	 * @param session the session
	 * @param timer supplies the scheduler that ends writes that take too long
	 * @param sendTimeLimitNanos the longest a write may take
	 * @return the sender, or {@code null} if the session is not Jetty's
	 */
	static @Nullable TextSender of(WebSocketSession session, Supplier<ScheduledExecutorService> timer,
			long sendTimeLimitNanos) {
		CoreSession core = Sessions.JettySessions.coreSessionOf(session);
		return (core != null) ? new JettyTextSender(core, timer.get(), sendTimeLimitNanos) : null;
	}

	@Override
	public boolean batches() {
		return true;
	}

	@Override
	public boolean pings() {
		return true;
	}

	@Override
	public void ping(ByteBuffer payload, Consumer<@Nullable Throwable> completion) {
		Write write = new Write(1, completion);
		try {
			this.session.sendFrame(new Frame(OpCode.PING, true, payload), write, false);
		}
		catch (RuntimeException ex) {
			write.failed(ex);
			return;
		}
		if (!write.isDone()) {
			write.timeout = this.timer.schedule(write, this.sendTimeLimitNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion) {
		int count = messages.size();
		Write write = new Write(count, completion);
		for (int i = 0; i < count; i++) {
			Frame frame = new Frame(OpCode.TEXT, true, messages.get(i).payload());
			try {
				this.session.sendFrame(frame, write, i < count - 1);
			}
			catch (RuntimeException ex) {
				// The frames not handed over fail too, so that the completion is called once
				for (int j = i; j < count; j++) {
					write.failed(ex);
				}
				return;
			}
		}
		if (!write.isDone()) {
			// Only a write that waits for the client costs a timer task
			write.timeout = this.timer.schedule(write, this.sendTimeLimitNanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * One write of one or more frames: completes once every frame has, with the first
	 * failure, if any; aborts the connection if that takes longer than the send time
	 * limit.
	 */
	private final class Write implements Callback, Runnable {

		private final AtomicInteger remaining;

		private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

		private final Consumer<@Nullable Throwable> completion;

		private volatile @Nullable ScheduledFuture<?> timeout;

		private volatile boolean timedOut;

		Write(int count, Consumer<@Nullable Throwable> completion) {
			this.remaining = new AtomicInteger(count);
			this.completion = completion;
		}

		@Override
		public void succeeded() {
			done();
		}

		@Override
		public void failed(Throwable failure) {
			this.failure.compareAndSet(null, this.timedOut
					? new SocketTimeoutException("Send time limit exceeded") : failure);
			done();
		}

		private void done() {
			if (this.remaining.decrementAndGet() == 0) {
				ScheduledFuture<?> timeout = this.timeout;
				if (timeout != null) {
					timeout.cancel(false);
				}
				this.completion.accept(this.failure.get());
			}
		}

		boolean isDone() {
			return this.remaining.get() <= 0;
		}

		/**
		 * The send time limit has passed.
		 */
		@Override
		public void run() {
			if (!isDone()) {
				this.timedOut = true;
				// Fails the frames still queued, and so this write
				JettyTextSender.this.session.abort();
			}
		}

	}

}

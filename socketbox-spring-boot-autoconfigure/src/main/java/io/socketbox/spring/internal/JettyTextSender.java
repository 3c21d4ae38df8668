package io.socketbox.spring.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A {@link TextSender} for Jetty 12 that writes prepared TEXT frames through the
 * connection's {@link CoreSession}: all but the last of a batch with
 * {@code batch=true}, which Jetty may gather into one buffer, the last without, which
 * flushes them all in one write. Each frame's payload is a view of its own of the
 * message's UTF-8 bytes, encoded once for every connection, so that the write (and an
 * extension such as permessage-deflate that reads the payload) moves only its own
 * position.
 * <p>
 * Jetty has no time limit of its own for a write: the outbox cuts the connection off
 * when a message arrives while a write has taken longer than the send time limit, and
 * Jetty's idle timeout ends a write that makes no progress.
 */
final class JettyTextSender implements TextSender {

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent(
			"org.eclipse.jetty.ee11.websocket.jakarta.common.JakartaWebSocketSession",
			TextSender.class.getClassLoader());

	private static final boolean JETTY_API_PRESENT = ClassUtils.isPresent(
			"org.eclipse.jetty.websocket.common.WebSocketSession", TextSender.class.getClassLoader());

	private final CoreSession session;

	JettyTextSender(CoreSession session) {
		this.session = session;
	}

	/**
	 * Return a sender for a Jetty 12 session: a Jakarta WebSocket one (Spring's
	 * standard upgrade strategy, its default) or one of Jetty's own API
	 * ({@code JettyRequestUpgradeStrategy}).
	 */
	static @Nullable TextSender of(WebSocketSession session) {
		if (session instanceof NativeWebSocketSession nativeSession) {
			if (JAKARTA_PRESENT) {
				JakartaWebSocketSession jakartaSession = nativeSession
					.getNativeSession(JakartaWebSocketSession.class);
				if (jakartaSession != null) {
					return new JettyTextSender(jakartaSession.getCoreSession());
				}
			}
			if (JETTY_API_PRESENT) {
				org.eclipse.jetty.websocket.common.WebSocketSession jettySession = nativeSession
					.getNativeSession(org.eclipse.jetty.websocket.common.WebSocketSession.class);
				if (jettySession != null) {
					return new JettyTextSender(jettySession.getCoreSession());
				}
			}
		}
		return null;
	}

	@Override
	public boolean batches() {
		return true;
	}

	@Override
	public void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion) {
		int count = messages.size();
		Callback callback = (count == 1) ? new SingleCallback(completion) : new BatchCallback(count, completion);
		for (int i = 0; i < count; i++) {
			Frame frame = new Frame(OpCode.TEXT, true, messages.get(i).payload());
			try {
				this.session.sendFrame(frame, callback, i < count - 1);
			}
			catch (RuntimeException ex) {
				// The frames not handed over fail too, so that the completion is called once
				for (int j = i; j < count; j++) {
					callback.failed(ex);
				}
				return;
			}
		}
	}

	private record SingleCallback(Consumer<@Nullable Throwable> completion)
			implements Callback {

		@Override
		public void succeeded() {
			this.completion.accept(null);
		}

		@Override
		public void failed(Throwable failure) {
			this.completion.accept(failure);
		}

	}

	/**
	 * Completes once every frame of a batch has: with the first failure, if any.
	 */
	private static final class BatchCallback implements Callback {

		private final AtomicInteger remaining;

		private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

		private final Consumer<@Nullable Throwable> completion;

		BatchCallback(int count, Consumer<@Nullable Throwable> completion) {
			this.remaining = new AtomicInteger(count);
			this.completion = completion;
		}

		@Override
		public void succeeded() {
			done();
		}

		@Override
		public void failed(Throwable failure) {
			this.failure.compareAndSet(null, failure);
			done();
		}

		private void done() {
			if (this.remaining.decrementAndGet() == 0) {
				this.completion.accept(this.failure.get());
			}
		}

	}

}

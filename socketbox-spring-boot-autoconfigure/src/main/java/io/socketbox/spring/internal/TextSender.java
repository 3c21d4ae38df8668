package io.socketbox.spring.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Writes text messages to a session and reports when the write is done, without holding
 * the caller's thread for the write.
 * <ul>
 * <li>On Jetty 12 ({@link JettyTextSender}) the messages go to the connection's
 * {@code CoreSession} as TEXT frames whose payload is the message's
 * {@link OutboundText#payload() shared UTF-8 bytes}, encoded once for all connections;
 * several messages leave in one write ({@link #batches()}).
 * <li>On a Jakarta WebSocket session (Tomcat) the container's asynchronous send does the
 * write, one message each, bounded by the send time limit, after which the container
 * closes the connection. Tomcat encodes the text for each connection: it has no public
 * way to send prepared bytes as a TEXT frame, and its batching flushes with a blocking
 * write.
 * <li>On any other session blocking sends run on the given executor, several messages
 * in one task.
 * </ul>
 * Each can also write a ping, for the outbox to learn how far the client has read: a
 * control frame that Jetty queues without waiting; on Tomcat, whose only ping is a
 * blocking send, a task on the executor writes it, bounded by the blocking send timeout,
 * while the outbox starts no other write.
 */
interface TextSender {

	/** Whether Jetty 12's WebSocket core is present. */
	boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.websocket.core.CoreSession",
			TextSender.class.getClassLoader());

	/**
	 * Start writing messages, in order. The completion is called exactly once, possibly
	 * before this method returns, with {@code null} once every message is written or with
	 * the cause when they could not all be.
	 * @param messages the messages: one, unless this sender {@link #batches()}
	 * @param completion told of the outcome
	 */
	void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion);

	/**
	 * Whether this sender writes several messages at once: if not, {@link #send} is given
	 * one message at a time.
	 * @return whether messages that queued during a write leave together
	 */
	default boolean batches() {
		return false;
	}

	/**
	 * Whether this sender can {@link #ping write a ping}.
	 * @return whether it can
	 */
	default boolean pings() {
		return false;
	}

	/**
	 * Start writing a ping, never while a {@link #send} is in progress. The completion
	 * is called exactly once, as for {@link #send}.
	 * @param payload the ping's payload
	 * @param completion told of the outcome
	 */
	default void ping(ByteBuffer payload, Consumer<@Nullable Throwable> completion) {
		completion.accept(new UnsupportedOperationException("This sender does not ping"));
	}

	/**
	 * Return a sender for the given session.
	 * @param session the session, as the container gave it
	 * @param executor runs blocking sends where the container has no asynchronous one
	 * @param timer supplies the scheduler that bounds writes where the container does not
	 * @param sendTimeLimitMillis the longest a write may take
	 * @return the sender
	 */
	static TextSender forSession(WebSocketSession session, Executor executor,
			Supplier<ScheduledExecutorService> timer, long sendTimeLimitMillis) {
		// Jetty's classes are loaded only where Jetty is present
		TextSender sender = JETTY_PRESENT
				? JettyTextSender.of(session, timer, TimeUnit.MILLISECONDS.toNanos(sendTimeLimitMillis)) : null;
		if (sender == null) {
			sender = JakartaTextSender.of(session, executor, sendTimeLimitMillis);
		}
		return (sender != null) ? sender : new BlockingTextSender(session, executor);
	}

	/**
	 * Sends through {@link jakarta.websocket.RemoteEndpoint.Async}, one message at a
	 * time.
	 */
	final class JakartaTextSender implements TextSender {

		private static final boolean PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
				TextSender.class.getClassLoader());

		private final jakarta.websocket.RemoteEndpoint.Async remote;

		private final WebSocketSession session;

		private final Executor executor;

		private JakartaTextSender(jakarta.websocket.RemoteEndpoint.Async remote, WebSocketSession session,
				Executor executor) {
			this.remote = remote;
			this.session = session;
			this.executor = executor;
		}

		static @Nullable TextSender of(WebSocketSession session, Executor executor, long sendTimeLimitMillis) {
			if (PRESENT && session instanceof NativeWebSocketSession nativeSession) {
				jakarta.websocket.Session jakartaSession = nativeSession
					.getNativeSession(jakarta.websocket.Session.class);
				if (jakartaSession != null) {
					jakarta.websocket.RemoteEndpoint.Async remote = jakartaSession.getAsyncRemote();
					remote.setSendTimeout(sendTimeLimitMillis);
					return new JakartaTextSender(remote, session, executor);
				}
			}
			return null;
		}

		@Override
		public void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion) {
			try {
				this.remote.sendText(messages.get(0).text(),
						(result) -> completion.accept(result.isOK() ? null : result.getException()));
			}
			catch (RuntimeException ex) {
				completion.accept(ex);
			}
		}

		@Override
		public boolean pings() {
			return true;
		}

		@Override
		public void ping(ByteBuffer payload, Consumer<@Nullable Throwable> completion) {
			// The asynchronous remote has no ping; the blocking one must not hold the caller
			BlockingTextSender.ping(this.session, this.executor, payload, completion);
		}

	}

	/**
	 * Sends with {@link WebSocketSession#sendMessage} on an executor, every message that
	 * queued in one task.
	 */
	final class BlockingTextSender implements TextSender {

		private final WebSocketSession session;

		private final Executor executor;

		BlockingTextSender(WebSocketSession session, Executor executor) {
			this.session = session;
			this.executor = executor;
		}

		@Override
		public boolean batches() {
			return true;
		}

		@Override
		public void send(List<OutboundText> messages, Consumer<@Nullable Throwable> completion) {
			this.executor.execute(() -> {
				try {
					for (OutboundText message : messages) {
						this.session.sendMessage(new TextMessage(message.text()));
					}
				}
				catch (Throwable ex) {
					completion.accept(ex);
					return;
				}
				completion.accept(null);
			});
		}

		@Override
		public boolean pings() {
			return true;
		}

		@Override
		public void ping(ByteBuffer payload, Consumer<@Nullable Throwable> completion) {
			ping(this.session, this.executor, payload, completion);
		}

		static void ping(WebSocketSession session, Executor executor, ByteBuffer payload,
				Consumer<@Nullable Throwable> completion) {
			try {
				executor.execute(() -> {
					try {
						session.sendMessage(new PingMessage(payload));
					}
					catch (Throwable ex) {
						completion.accept(ex);
						return;
					}
					completion.accept(null);
				});
			}
			catch (RuntimeException ex) {
				completion.accept(ex);
			}
		}

	}

}

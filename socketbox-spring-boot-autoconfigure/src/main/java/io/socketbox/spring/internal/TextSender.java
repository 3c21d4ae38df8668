package io.socketbox.spring.internal;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Writes one text message at a time to a session and reports when the write is done,
 * without holding the caller's thread for the write. On a Jakarta WebSocket session
 * (Tomcat) the container's asynchronous send does the write, bounded by the send time
 * limit, after which the container closes the connection; on any other session a
 * blocking send runs on the given executor.
 */
@FunctionalInterface
interface TextSender {

	/**
	 * Start writing a message. The completion is called exactly once, possibly before
	 * this method returns, with {@code null} once the message is written or with the
	 * cause when it could not be.
	 * @param text well-formed text
	 * @param completion told of the outcome
	 */
	void send(String text, Consumer<@Nullable Throwable> completion);

	/**
	 * Return a sender for the given session.
	 * @param session the session, as the container gave it
	 * @param executor runs blocking sends where the container has no asynchronous one
	 * @param sendTimeLimitMillis the longest a write may take
	 * @return the sender
	 */
	static TextSender forSession(WebSocketSession session, Executor executor, long sendTimeLimitMillis) {
		TextSender sender = JakartaTextSender.of(session, sendTimeLimitMillis);
		return (sender != null) ? sender : new BlockingTextSender(session, executor);
	}

	/**
	 * Sends through {@link jakarta.websocket.RemoteEndpoint.Async}.
	 */
	final class JakartaTextSender implements TextSender {

		private static final boolean PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
				TextSender.class.getClassLoader());

		private final jakarta.websocket.RemoteEndpoint.Async remote;

		private JakartaTextSender(jakarta.websocket.RemoteEndpoint.Async remote) {
			this.remote = remote;
		}

		static @Nullable TextSender of(WebSocketSession session, long sendTimeLimitMillis) {
			if (PRESENT && session instanceof NativeWebSocketSession nativeSession) {
				jakarta.websocket.Session jakartaSession = nativeSession
					.getNativeSession(jakarta.websocket.Session.class);
				if (jakartaSession != null) {
					jakarta.websocket.RemoteEndpoint.Async remote = jakartaSession.getAsyncRemote();
					remote.setSendTimeout(sendTimeLimitMillis);
					return new JakartaTextSender(remote);
				}
			}
			return null;
		}

		@Override
		public void send(String text, Consumer<@Nullable Throwable> completion) {
			try {
				this.remote.sendText(text, (result) -> completion.accept(result.isOK() ? null : result.getException()));
			}
			catch (RuntimeException ex) {
				completion.accept(ex);
			}
		}

	}

	/**
	 * Sends with {@link WebSocketSession#sendMessage} on an executor.
	 */
	final class BlockingTextSender implements TextSender {

		private final WebSocketSession session;

		private final Executor executor;

		BlockingTextSender(WebSocketSession session, Executor executor) {
			this.session = session;
			this.executor = executor;
		}

		@Override
		public void send(String text, Consumer<@Nullable Throwable> completion) {
			this.executor.execute(() -> {
				try {
					this.session.sendMessage(new TextMessage(text));
				}
				catch (Throwable ex) {
					completion.accept(ex);
					return;
				}
				completion.accept(null);
			});
		}

	}

}

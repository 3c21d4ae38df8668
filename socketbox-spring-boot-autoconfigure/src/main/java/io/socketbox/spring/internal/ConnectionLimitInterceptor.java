package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses the WebSocket upgrade with {@code 503 Service Unavailable} and closes the
 * connection while a count of connections is at its limit, so that no WebSocket session
 * is created for a connection over it. Refusals are logged at WARN level, at most once every 10 seconds with the
 * number refused meanwhile.
 * <p>
 * The count is read when the upgrade is requested, so upgrades that are under way at
 * the same moment can pass it together: a hard limit must also be enforced where the
 * count is taken.
 * <p>
 * Internal to SocketBox, public for the auto-configuration and the {@code cluster}
 * package, which limit browser connections and pending peer handshakes with it.
 */
public final class ConnectionLimitInterceptor implements HandshakeInterceptor {

	private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

	private final IntSupplier count;

	private final int limit;

	private final String counted;

	private final String property;

	private final RefusalLog refusalLog = new RefusalLog(LOG_INTERVAL);

	private final AtomicLong refused = new AtomicLong();

	/**
	 * Create an interceptor.
	 * @param count the connections counted against the limit
	 * @param limit the most connections allowed: at this count new ones are refused
	 * @param counted what is counted, for the log, for example "open browser
	 * connections"
	 * @param property the property that sets the limit, for the log
	 */
	public ConnectionLimitInterceptor(IntSupplier count, int limit, String counted, String property) {
		this.count = count;
		this.limit = limit;
		this.counted = counted;
		this.property = property;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) {
		int current = this.count.getAsInt();
		if (current < this.limit) {
			return true;
		}
		refuse(response);
		this.refused.incrementAndGet();
		this.refusalLog.refused("connection(s) to " + request.getURI().getPath() + " with 503",
				current + " " + this.counted + ", the limit set by " + this.property + " (" + this.limit + ")");
		return false;
	}

	/**
	 * Answer a WebSocket upgrade with {@code 503 Service Unavailable} and close the
	 * connection.
	 * @param response the response to the upgrade request
	 */
	static void refuse(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		// Not kept alive for another attempt: the refused connection costs nothing further
		response.getHeaders().set(HttpHeaders.CONNECTION, "close");
	}

	/**
	 * Return how many upgrades this interceptor has refused.
	 * @return the number of refused upgrades
	 */
	public long getRefusedCount() {
		return this.refused.get();
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

}

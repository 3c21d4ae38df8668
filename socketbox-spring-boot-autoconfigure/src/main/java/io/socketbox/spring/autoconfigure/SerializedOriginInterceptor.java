package io.socketbox.spring.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Refuses with 403 a handshake whose {@code Origin} header is not one serialized origin
 * (RFC 6454: {@code scheme://host[:port]}, or {@code null}). Registered ahead of Spring's
 * {@code OriginHandshakeInterceptor}, which is always last and answers such a header with
 * a server error: {@code WebUtils.isSameOrigin} parses it with {@code UriComponentsBuilder},
 * whose {@code InvalidUrlException} becomes a {@code HandshakeFailureException}. The
 * opaque origin {@code null} passes on to Spring's check, which refuses it unless an
 * allowed origin pattern matches it ({@code *}).
 */
final class SerializedOriginInterceptor implements HandshakeInterceptor {

	private static final Log logger = LogFactory.getLog(SerializedOriginInterceptor.class);

	private static final Pattern SERIALIZED_ORIGIN = Pattern
		.compile("[A-Za-z][A-Za-z0-9+.-]*://(?:[A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.]+])(?::([0-9]{1,5}))?");

	private static final int MAX_PORT = 65535;

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
			WebSocketHandler wsHandler, Map<String, Object> attributes) {
		List<String> origins = request.getHeaders().get(HttpHeaders.ORIGIN);
		if (origins == null || origins.isEmpty()) {
			return true;
		}
		if (origins.size() == 1 && isSerializedOrigin(origins.get(0))) {
			return true;
		}
		response.setStatusCode(HttpStatus.FORBIDDEN);
		if (logger.isDebugEnabled()) {
			logger.debug("Handshake refused for " + request.getURI().getPath()
					+ ": the Origin header is not one serialized origin");
		}
		return false;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

	/**
	 * Whether the value is {@code null} or an ASCII {@code scheme://host[:port]} that
	 * Spring's URI parser also accepts.
	 * @param origin the value of an Origin header
	 * @return whether the value is a serialized origin
	 */
	static boolean isSerializedOrigin(String origin) {
		if ("null".equals(origin)) {
			return true;
		}
		Matcher matcher = SERIALIZED_ORIGIN.matcher(origin);
		if (!matcher.matches()) {
			return false;
		}
		String port = matcher.group(1);
		if (port != null && Integer.parseInt(port) > MAX_PORT) {
			return false;
		}
		try {
			// The same parse as WebUtils.isSameOrigin, so that it cannot fail later
			UriComponentsBuilder.fromUriString(origin).build();
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}

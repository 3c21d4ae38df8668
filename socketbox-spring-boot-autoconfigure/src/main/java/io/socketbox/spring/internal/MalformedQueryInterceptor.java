package io.socketbox.spring.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses with {@code 400 Bad Request} and a short plain-text reason a WebSocket
 * handshake whose query Tomcat's upgrade fails on with a server error. Registered first
 * on the browsers' and on the cluster endpoint.
 * <p>
 * Tomcat's upgrade ({@code WsHandshakeRequest}) builds a {@link URI} of the request
 * with the raw query and reads the request's parameters; either failure ends the
 * handshake with {@code 500}. Spring's {@link ServerHttpRequest#getURI()} leaves out a
 * query that is not a valid URI query, so this interceptor reads the servlet's raw
 * query string, and refuses, in this order:
 * <ul>
 * <li>a query that {@link URI} rejects (a {@code %} not followed by two hex digits, or
 * a character such as {@code |} or <code>{</code> that only Tomcat's
 * {@code relaxed-query-chars} lets through): the same parse as Tomcat's;</li>
 * <li>a parameter without a name ({@code =}, {@code =x}, {@code a&=b}), which Tomcat's
 * parameter parser rejects; empty pairs ({@code a&&b}) pass, as they do there;</li>
 * <li>a name or value whose percent-decoded bytes ({@code +} being a space) are not
 * UTF-8, decoded as strictly as Tomcat does with its default URI encoding (an application
 * that sets {@code server.tomcat.uri-encoding} to another charset gets this UTF-8 rule
 * all the same);</li>
 * <li>more parameters than the server allows ({@code server.tomcat.max-parameter-count},
 * 1000 by default): the only check left to the container, which knows its limit. After
 * the checks above, the {@link IllegalStateException} that the Servlet specification
 * prescribes for a parameter that cannot be parsed can only mean too many.</li>
 * </ul>
 * Only {@code GET} requests are checked: Spring refuses any other method before the
 * upgrade.
 * <p>
 * Internal to SocketBox, public for the auto-configuration, which registers it.
 */
public final class MalformedQueryInterceptor implements HandshakeInterceptor {

	private static final Log logger = LogFactory.getLog(MalformedQueryInterceptor.class);

	static final String NOT_A_URI_QUERY = "The query is not a valid URI query";

	static final String PARAMETER_WITHOUT_NAME = "The query has a parameter without a name";

	static final String NOT_UTF_8 = "The query is not percent-encoded UTF-8";

	static final String TOO_MANY_PARAMETERS = "The query has more parameters than the server allows";

	private static final MediaType TEXT_PLAIN_UTF_8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
			WebSocketHandler wsHandler, Map<String, Object> attributes) throws IOException {
		if (!(request instanceof ServletServerHttpRequest servletRequest)
				|| !HttpMethod.GET.equals(request.getMethod())) {
			return true;
		}
		HttpServletRequest servlet = servletRequest.getServletRequest();
		String reason = check(servlet.getQueryString());
		if (reason == null && !parametersParse(servlet)) {
			reason = TOO_MANY_PARAMETERS;
		}
		if (reason == null) {
			return true;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Refused a handshake to " + servlet.getRequestURI() + " with 400: " + reason);
		}
		byte[] body = reason.getBytes(StandardCharsets.UTF_8);
		response.setStatusCode(HttpStatus.BAD_REQUEST);
		response.getHeaders().setContentType(TEXT_PLAIN_UTF_8);
		response.getHeaders().setContentLength(body.length);
		response.getBody().write(body);
		return false;
	}

	private static boolean parametersParse(HttpServletRequest servlet) {
		try {
			servlet.getParameterMap();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * Check a raw query for what Tomcat's upgrade fails on, except the number of
	 * parameters.
	 * @param rawQuery the query as the servlet gives it (the request's bytes as
	 * ISO-8859-1 characters, still percent-encoded), or {@code null} when there is none
	 * @return why the query is refused, or {@code null} when it is well formed
	 */
	static @Nullable String check(@Nullable String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return null;
		}
		try {
			// What Tomcat's WsHandshakeRequest does with the query, host and path aside
			new URI("ws://localhost/?" + rawQuery);
		}
		catch (URISyntaxException ex) {
			return NOT_A_URI_QUERY;
		}
		byte[] bytes = rawQuery.getBytes(StandardCharsets.ISO_8859_1);
		int start = 0;
		while (start <= bytes.length) {
			int end = indexOf(bytes, (byte) '&', start, bytes.length);
			if (end > start) {
				int equals = indexOf(bytes, (byte) '=', start, end);
				if (equals == start) {
					return PARAMETER_WITHOUT_NAME;
				}
				if (!isUtf8(bytes, start, equals) || (equals < end && !isUtf8(bytes, equals + 1, end))) {
					return NOT_UTF_8;
				}
			}
			start = end + 1;
		}
		return null;
	}

	private static int indexOf(byte[] bytes, byte b, int from, int to) {
		for (int i = from; i < to; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return to;
	}

	/**
	 * Whether {@code application/x-www-form-urlencoded} bytes decode to UTF-8, as
	 * Tomcat's {@code Parameters} decodes a name or a value: {@code %} followed by two hex
	 * digits is a byte, {@code +} a space, and malformed input is an error.
	 */
	private static boolean isUtf8(byte[] bytes, int from, int to) {
		ByteBuffer decoded = ByteBuffer.allocate(to - from);
		for (int i = from; i < to; i++) {
			byte b = bytes[i];
			if (b == '%') {
				if (i + 2 >= to || !HexFormat.isHexDigit(bytes[i + 1]) || !HexFormat.isHexDigit(bytes[i + 2])) {
					return false;
				}
				decoded.put((byte) ((HexFormat.fromHexDigit(bytes[i + 1]) << 4) | HexFormat.fromHexDigit(bytes[i + 2])));
				i += 2;
			}
			else {
				decoded.put((b == '+') ? (byte) ' ' : b);
			}
		}
		decoded.flip();
		try {
			StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(decoded);
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			@Nullable Exception exception) {
	}

}

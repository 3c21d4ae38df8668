package io.socketbox.spring.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.autoconfigure.SocketBoxEndpointCustomizer;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handshakes with arbitrary raw queries against a real node with both endpoints (the
 * browsers' {@code /ws} and the cluster's {@code /socketbox/cluster}): each gets 101 or
 * 400, never a server error; a 400 of SocketBox's says why in plain text; and the
 * parameters of an accepted query reach the connection as they were sent.
 */
class HandshakeQueryProperties {

	private static final int MAX_PARAMETERS = 20;

	private static final String BROWSERS = "/ws";

	private static final String PEERS = "/socketbox/cluster";

	private static final List<String> REASONS = List.of(MalformedQueryInterceptor.NOT_A_URI_QUERY,
			MalformedQueryInterceptor.PARAMETER_WITHOUT_NAME, MalformedQueryInterceptor.NOT_UTF_8,
			MalformedQueryInterceptor.TOO_MANY_PARAMETERS);

	private static Node node;

	@BeforeContainer
	static void startNode() {
		node = new Node(new SpringApplicationBuilder(TestNodeApplication.class, QueryProbe.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.tomcat.max-parameter-count=" + MAX_PARAMETERS, "socketbox.cluster.enabled=true",
					"socketbox.cluster.secret-key=query-test-secret-0123456789-abcdef",
					"socketbox.cluster.host=127.0.0.1", "socketbox.cache.type=memory",
					"socketbox.cluster.cache-prefix=query-tests:" + UUID.randomUUID() + ":",
					"socketbox.cluster.max-pending-handshakes=100000")
			.run());
	}

	@AfterContainer
	static void stopNode() {
		if (node != null) {
			node.stop();
		}
	}

	@Property(tries = 400)
	void anyRawQueryGets101Or400AndAnAcceptedOneReachesTheConnectionUnchanged(@ForAll("rawQueries") String query,
			@ForAll boolean toPeers) {
		Upgrade upgrade = Upgrade.attempt(node.port(), toPeers ? PEERS : BROWSERS, query,
				(open) -> assertReachedUnchanged(open, query));
		assertThat(upgrade.status()).as("status for ?%s", query).isIn(101, 400);
		boolean ours = upgrade.status() == 400 && upgrade.body().startsWith("The query");
		Statistics.label("outcome")
			.collect((upgrade.status() == 101) ? "upgraded" : ours ? "refused by SocketBox" : "refused by Tomcat");
		Statistics.label("outcome").coverage((coverage) -> {
			coverage.check("upgraded").percentage((Double p) -> p >= 20);
			coverage.check("refused by SocketBox").percentage((Double p) -> p >= 20);
		});
		if (ours) {
			assertThat(upgrade.body()).isIn(REASONS);
			assertThat(upgrade.contentType()).isEqualTo("text/plain;charset=UTF-8");
		}
	}

	@Property(tries = 200)
	void anEncodedQueryIsAcceptedAndItsParametersReachTheConnectionUnchanged(
			@ForAll("parameters") List<Tuple2<String, String>> parameters) {
		String query = parameters.stream()
			.map((parameter) -> URLEncoder.encode(parameter.get1(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(parameter.get2(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		Map<String, List<String>> expected = new LinkedHashMap<>();
		parameters.forEach((parameter) -> expected.computeIfAbsent(parameter.get1(), (name) -> new ArrayList<>())
			.add(parameter.get2()));
		AtomicBoolean checked = new AtomicBoolean();
		Upgrade upgrade = Upgrade.attempt(node.port(), BROWSERS, query, (open) -> {
			assertThat(connectionOf(open).getAttributes()).containsEntry(QueryProbe.RAW_QUERY, query)
				.containsEntry(QueryProbe.PARAMETERS, expected);
			checked.set(true);
		});
		assertThat(upgrade.status()).as("status for ?%s", query).isEqualTo(101);
		assertThat(checked).isTrue();
	}

	@Property(tries = 60)
	void parametersUpToTheServersLimitAreAcceptedAndMoreRefused(@ForAll @IntRange(max = 2 * MAX_PARAMETERS) int count,
			@ForAll boolean toPeers) {
		String query = IntStream.range(0, count).mapToObj((i) -> "p" + i + "=" + i).collect(Collectors.joining("&"));
		Upgrade upgrade = Upgrade.attempt(node.port(), toPeers ? PEERS : BROWSERS, query);
		if (count <= MAX_PARAMETERS) {
			assertThat(upgrade.status()).as("status for %d parameters", count).isEqualTo(101);
		}
		else {
			assertThat(upgrade.status()).as("status for %d parameters", count).isEqualTo(400);
			assertThat(upgrade.body()).isEqualTo(MalformedQueryInterceptor.TOO_MANY_PARAMETERS);
		}
	}

	@Property
	void malformedQueriesAreRefusedWithTheirReason(@ForAll("malformed") Tuple2<String, String> malformed,
			@ForAll boolean toPeers) {
		Upgrade upgrade = Upgrade.attempt(node.port(), toPeers ? PEERS : BROWSERS, malformed.get1());
		assertThat(upgrade.status()).as("status for ?%s", malformed.get1()).isEqualTo(400);
		assertThat(upgrade.body()).isEqualTo(malformed.get2());
	}

	@Example
	void charactersThatOnlyTomcatsRelaxedQueryCharsLetThroughAreRefused() {
		Node relaxed = new Node(new SpringApplicationBuilder(TestNodeApplication.class, QueryProbe.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.tomcat.relaxed-query-chars=|,{,},[,]")
			.run());
		try {
			for (String query : List.of("a=|", "a={b}", "%7C=|")) {
				Upgrade upgrade = Upgrade.attempt(relaxed.port(), BROWSERS, query);
				assertThat(upgrade.status()).as("status for ?%s", query).isEqualTo(400);
				assertThat(upgrade.body()).isEqualTo(MalformedQueryInterceptor.NOT_A_URI_QUERY);
			}
			// java.net.URI takes brackets in a query, and so does Tomcat's upgrade
			assertThat(Upgrade.attempt(relaxed.port(), BROWSERS, "a=[1]").status()).isEqualTo(101);
		}
		finally {
			relaxed.stop();
		}
	}

	@Property(tries = 3000)
	void theCheckNeverThrows(@ForAll("rawQueries") String query) {
		String reason = MalformedQueryInterceptor.check(query);
		if (reason != null) {
			assertThat(reason).isIn(REASONS);
		}
	}

	@Provide
	Arbitrary<Tuple2<String, String>> malformed() {
		return Arbitraries.of(Tuple.of("%zz", MalformedQueryInterceptor.NOT_A_URI_QUERY),
				Tuple.of("a=%", MalformedQueryInterceptor.NOT_A_URI_QUERY),
				Tuple.of("a=%2", MalformedQueryInterceptor.NOT_A_URI_QUERY),
				Tuple.of("a=1&b=%g0", MalformedQueryInterceptor.NOT_A_URI_QUERY),
				Tuple.of("=", MalformedQueryInterceptor.PARAMETER_WITHOUT_NAME),
				Tuple.of("=x", MalformedQueryInterceptor.PARAMETER_WITHOUT_NAME),
				Tuple.of("a=1&=2", MalformedQueryInterceptor.PARAMETER_WITHOUT_NAME),
				Tuple.of("%FF", MalformedQueryInterceptor.NOT_UTF_8),
				Tuple.of("a=%C3", MalformedQueryInterceptor.NOT_UTF_8),
				Tuple.of("a=%C3%28", MalformedQueryInterceptor.NOT_UTF_8),
				Tuple.of("%C3=%A9", MalformedQueryInterceptor.NOT_UTF_8),
				Tuple.of("a=%ED%A0%80", MalformedQueryInterceptor.NOT_UTF_8),
				Tuple.of("a=%F4%90%80%80", MalformedQueryInterceptor.NOT_UTF_8));
	}

	/**
	 * Queries of pairs in which percent escapes (valid or not, of UTF-8 or not), stray
	 * {@code &}, {@code =}, {@code +} and {@code %} and characters Tomcat allows in a
	 * query are frequent; characters it refuses itself, with a 400 of its own, are rare.
	 */
	@Provide
	Arbitrary<String> rawQueries() {
		Arbitrary<String> piece = Arbitraries.frequencyOf(
				Tuple.of(150, Arbitraries.of("&", "=", "%", "%2", "%zz", "%20", "%C3%A9", "%E0%A4", "%E0%A4%A4", "%FF",
						"+", "%00", "%F0%9F%98%80", "%ED%A0%80", "%2B", "%26", "%3D", "?", "/", ":", "@")),
				Tuple.of(150, Arbitraries.strings().withChars("abc019-._~!$'()*,;").ofMinLength(1).ofMaxLength(6)),
				Tuple.of(1, Arbitraries.of("[", "{", "|", "\u00e9")));
		Arbitrary<String> part = piece.list().ofMaxSize(3).map((pieces) -> String.join("", pieces));
		Arbitrary<String> pair = Arbitraries.frequencyOf(
				Tuple.of(4, Combinators.combine(part, part).as((name, value) -> name + "=" + value)),
				Tuple.of(1, part));
		return pair.list().ofMaxSize(4).map((pairs) -> String.join("&", pairs));
	}

	/**
	 * Names and values of any Unicode text, surrogate pairs included but never a lone
	 * surrogate, which has no UTF-8 form; up to the server's limit.
	 */
	@Provide
	Arbitrary<List<Tuple2<String, String>>> parameters() {
		Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.integers().between(0, 0x7F)),
				Tuple.of(2, Arbitraries.integers().between(0x80, 0xFFFF)),
				Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10FFFF)))
			.filter((c) -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
		Arbitrary<String> text = codePoint.list()
			.ofMaxSize(8)
			.map((codePoints) -> new String(codePoints.stream().mapToInt(Integer::intValue).toArray(), 0,
					codePoints.size()));
		Arbitrary<String> name = text.filter((candidate) -> !candidate.isEmpty() && !candidate.equals("user"));
		return Combinators.combine(name, text).as(Tuple::of).list().ofMaxSize(MAX_PARAMETERS);
	}

	/**
	 * The query reached the handshake's attributes as it was sent, and its parameters
	 * as a form decoder reads them.
	 */
	private static void assertReachedUnchanged(Upgrade upgrade, String query) {
		Map<String, List<String>> expected = new LinkedHashMap<>();
		for (String pair : query.split("&")) {
			if (!pair.isEmpty()) {
				int equals = pair.indexOf('=');
				String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair,
						StandardCharsets.UTF_8);
				String value = (equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8)
						: "";
				expected.computeIfAbsent(name, (key) -> new ArrayList<>()).add(value);
			}
		}
		SocketBoxConnection connection = connectionOf(upgrade);
		assertThat(connection.getAttributes()).as("attributes for ?%s", query)
			.containsEntry(QueryProbe.RAW_QUERY, query)
			.containsEntry(QueryProbe.PARAMETERS, expected);
	}

	private static SocketBoxConnection connectionOf(Upgrade upgrade) {
		assertThat(upgrade.body()).startsWith(TestNodeApplication.ID_PREFIX);
		String id = upgrade.body().substring(TestNodeApplication.ID_PREFIX.length());
		return node.messaging()
			.getLocalConnections()
			.stream()
			.filter((connection) -> connection.getId().equals(id))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Records, after SocketBox's own interceptors, what Spring and the servlet give an
	 * application of the query.
	 */
	@Configuration(proxyBeanMethods = false)
	static class QueryProbe {

		static final String RAW_QUERY = "probe.rawQuery";

		static final String PARAMETERS = "probe.parameters";

		@Bean
		SocketBoxEndpointCustomizer queryProbe() {
			return (registration) -> registration.addInterceptors(new HandshakeInterceptor() {

				@Override
				public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler wsHandler, Map<String, Object> attributes) {
					attributes.put(RAW_QUERY, Objects.requireNonNullElse(request.getURI().getRawQuery(), ""));
					Map<String, List<String>> parameters = new LinkedHashMap<>();
					((ServletServerHttpRequest) request).getServletRequest()
						.getParameterMap()
						.forEach((name, values) -> parameters.put(name, List.of(values)));
					attributes.put(PARAMETERS, parameters);
					return true;
				}

				@Override
				public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler wsHandler, @Nullable Exception exception) {
				}

			});
		}

	}

	/**
	 * One upgrade request on a plain socket, with the query's characters sent as the
	 * bytes 0 to 255 they stand for, not encoded further; then the status, the content
	 * type and body of a refusal or the first text frame of an accepted connection.
	 *
	 * @param status the HTTP status
	 * @param contentType the Content-Type header, or {@code null}
	 * @param body the body of a refusal, or the first frame of an accepted connection on
	 * the browsers' endpoint
	 */
	record Upgrade(int status, @Nullable String contentType, String body) {

		static Upgrade attempt(int port, String path, String query) {
			return attempt(port, path, query, (open) -> {
			});
		}

		/**
		 * Request an upgrade.
		 * @param port the port on 127.0.0.1
		 * @param path the endpoint's path
		 * @param query the query, without {@code ?}
		 * @param whileOpen what to check of an accepted connection on the browsers'
		 * endpoint before it is closed
		 * @return the outcome
		 */
		static Upgrade attempt(int port, String path, String query, Consumer<Upgrade> whileOpen) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				socket.setSoTimeout(10_000);
				String head = "GET " + path + "?" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
						+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
				socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
				DataInputStream in = new DataInputStream(socket.getInputStream());
				int status = Integer.parseInt(readLine(in).split(" ")[1]);
				int contentLength = 0;
				String contentType = null;
				for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
					String lower = line.toLowerCase(Locale.ROOT);
					if (lower.startsWith("content-length:")) {
						contentLength = Integer.parseInt(lower.substring("content-length:".length()).trim());
					}
					else if (lower.startsWith("content-type:")) {
						contentType = line.substring("content-type:".length()).trim();
					}
				}
				if (status == 101 && path.equals(BROWSERS)) {
					Upgrade upgrade = new Upgrade(status, contentType, readTextFrame(in));
					whileOpen.accept(upgrade);
					return upgrade;
				}
				if (status == 101) {
					return new Upgrade(status, contentType, "");
				}
				byte[] body = new byte[contentLength];
				in.readFully(body);
				return new Upgrade(status, contentType, new String(body, StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Upgrade of " + path + "?" + query + " failed", ex);
			}
		}

		private static String readLine(DataInputStream in) throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int b = in.read(); b != '\n'; b = in.read()) {
				if (b < 0) {
					throw new IOException("End of stream in the response head");
				}
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.ISO_8859_1);
		}

		private static String readTextFrame(DataInputStream in) throws IOException {
			int opcode = in.readUnsignedByte() & 0x0F;
			int length = in.readUnsignedByte() & 0x7F;
			if (length == 126) {
				length = in.readUnsignedShort();
			}
			byte[] payload = new byte[length];
			in.readFully(payload);
			if (opcode != 0x1) {
				throw new IOException("Expected a text frame, got opcode " + opcode);
			}
			return new String(payload, StandardCharsets.UTF_8);
		}

	}

}

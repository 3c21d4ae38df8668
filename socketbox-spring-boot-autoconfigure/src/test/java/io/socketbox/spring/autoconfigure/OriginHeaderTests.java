package io.socketbox.spring.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.socketbox.spring.testsupport.TestNodeApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handshake on the browsers' endpoint or the cluster endpoint whose {@code Origin}
 * header is not a serialized origin gets 403, never a server error, and leaves no stack
 * trace in the log; a same-origin handshake still succeeds. Requests are written on a
 * raw socket, since HTTP clients refuse to send most of these headers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class OriginHeaderTests {

	private static final String[] PATHS = { "/ws", "/socketbox/cluster" };

	private ConfigurableApplicationContext node;

	private int port;

	@BeforeAll
	void startNode() {
		this.node = runNode();
		this.port = this.node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static ConfigurableApplicationContext runNode(String... properties) {
		return new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=origin-test-secret-0123456789-abcdef",
					"socketbox.cluster.host=127.0.0.1", "socketbox.cache.type=memory",
					"socketbox.cluster.cache-prefix=origin-header-tests:" + UUID.randomUUID() + ":",
					"logging.level.io.socketbox.spring.autoconfigure=debug")
			.properties(properties)
			.run();
	}

	@AfterAll
	void stopNode() {
		this.node.close();
	}

	Stream<Arguments> malformedOrigins() {
		List<byte[]> origins = new ArrayList<>();
		for (String origin : new String[] { "http://[::1", "http://[zz::1]", "http://[::1]]", "http://a b.example",
				"http://evil.example:99999", "http://evil.example:port", "http://evil.example:", "http://:80",
				"http://127.0.0.1:" + this.port + ":80", "http://user@127.0.0.1:" + this.port, "ht tp://evil.example",
				"://evil.example", "http//evil.example", "http:/evil.example", "http://", "http:", "1http://evil.example",
				"evil.example", "http://127.0.0.1:" + this.port + "/", "http://evil.example/path", "http://evil.example?q",
				"http://evil.example#f", "http://%zz", "http://a%20b", "http://{}", "http://a\"b", "http://a\\b",
				"http://evil.example, http://127.0.0.1", "null ", "Null", "javascript:alert(1)", "data:,x", "file://",
				"file:///etc/passwd", "%", "[", "http://a\tb", "*", "http://" + "a".repeat(4000),
				"http://" + "[".repeat(4000), "x".repeat(6000) }) {
			origins.add(origin.getBytes(StandardCharsets.ISO_8859_1));
		}
		origins.add("http://bücher.example".getBytes(StandardCharsets.UTF_8));
		origins.add("http://bücher.example".getBytes(StandardCharsets.ISO_8859_1));
		origins.add("http://😀.example".getBytes(StandardCharsets.UTF_8));
		origins.add(new byte[] { 'h', 't', 't', 'p', ':', '/', '/', (byte) 0xff, (byte) 0xfe });
		origins.add(new byte[0]);
		return Stream.of(PATHS)
			.flatMap((path) -> origins.stream()
				.map((origin) -> Arguments.of(path, new String(origin, StandardCharsets.ISO_8859_1), origin)));
	}

	@ParameterizedTest(name = "{0} with Origin [{1}]")
	@MethodSource("malformedOrigins")
	void malformedOriginIsRefused(String path, String printable, byte[] origin, CapturedOutput output)
			throws IOException {
		int logged = output.getAll().length();
		assertThat(handshake(path, List.of(origin))).isEqualTo(403);
		assertThat(output.getAll().substring(logged)).doesNotContain("\tat ").doesNotContain("Exception");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/ws", "/socketbox/cluster" })
	void severalOriginHeadersAreRefused(String path, CapturedOutput output) throws IOException {
		int logged = output.getAll().length();
		assertThat(handshake(path, List.of(sameOrigin(), sameOrigin()))).isEqualTo(403);
		assertThat(handshake(path, List.of(sameOrigin(), ascii("http://[::1")))).isEqualTo(403);
		assertThat(output.getAll().substring(logged)).doesNotContain("\tat ").doesNotContain("Exception");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/ws", "/socketbox/cluster" })
	void controlCharactersNeverReachTheApplication(String path, CapturedOutput output) throws IOException {
		int logged = output.getAll().length();
		for (byte control : new byte[] { 0, 1, 0x1f, 0x7f }) {
			byte[] origin = ascii("http://evil.example");
			origin[8] = control;
			// Tomcat's header parser answers before any interceptor runs (and logs its
			// first parse error in the JVM at INFO, with a stack trace of its own)
			assertThat(handshake(path, List.of(origin))).isEqualTo(400);
		}
		assertThat(output.getAll().substring(logged)).doesNotContain("Servlet.service()")
			.doesNotContain("org.springframework")
			.doesNotContain("io.socketbox");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/ws", "/socketbox/cluster" })
	void foreignOriginIsRefused(String path) throws IOException {
		assertThat(handshake(path, List.of(ascii("http://evil.example")))).isEqualTo(403);
		assertThat(handshake(path, List.of(ascii("http://127.0.0.1:" + (this.port + 1))))).isEqualTo(403);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/ws", "/socketbox/cluster" })
	void opaqueOriginIsRefusedByDefault(String path) throws IOException {
		assertThat(handshake(path, List.of(ascii("null")))).isEqualTo(403);
	}

	@Test
	void everyOriginAllowedLetsTheOpaqueOriginInButNotAMalformedOne() throws IOException {
		try (ConfigurableApplicationContext open = runNode("socketbox.allowed-origin-patterns=*")) {
			int openPort = open.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			assertThat(handshake(openPort, "/ws", List.of(ascii("null")))).isEqualTo(101);
			assertThat(handshake(openPort, "/ws", List.of(ascii("http://evil.example")))).isEqualTo(101);
			assertThat(handshake(openPort, "/ws", List.of(ascii("http://[::1")))).isEqualTo(403);
			assertThat(handshake(openPort, "/socketbox/cluster", List.of(ascii("null")))).isEqualTo(403);
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/ws", "/socketbox/cluster" })
	void sameOriginHandshakeSucceeds(String path) throws IOException {
		assertThat(handshake(path, List.of(sameOrigin()))).isEqualTo(101);
	}

	@Test
	void handshakeWithoutOriginSucceeds() throws IOException {
		for (String path : PATHS) {
			assertThat(handshake(path, List.of())).as(path).isEqualTo(101);
		}
	}

	private byte[] sameOrigin() {
		return ascii("http://127.0.0.1:" + this.port);
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Write a WebSocket upgrade request with the given Origin headers on a new socket
	 * and return the status code of the response.
	 */
	private int handshake(String path, List<byte[]> origins) throws IOException {
		return handshake(this.port, path, origins);
	}

	private static int handshake(int port, String path, List<byte[]> origins) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			ByteArrayOutputStream request = new ByteArrayOutputStream();
			request.writeBytes(ascii("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"));
			for (byte[] origin : origins) {
				request.writeBytes(ascii("Origin: "));
				request.writeBytes(origin);
				request.writeBytes(ascii("\r\n"));
			}
			request.writeBytes(ascii("\r\n"));
			OutputStream out = socket.getOutputStream();
			out.write(request.toByteArray());
			out.flush();
			String statusLine = readLine(socket.getInputStream());
			assertThat(statusLine).startsWith("HTTP/1.1 ");
			return Integer.parseInt(statusLine.substring(9, 12));
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
			line.write(b);
		}
		return line.toString(StandardCharsets.ISO_8859_1).strip();
	}

}

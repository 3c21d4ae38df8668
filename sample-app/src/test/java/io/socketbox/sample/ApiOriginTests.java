package io.socketbox.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's HTTP endpoints refuse requests that a page on another site makes through
 * a visitor's browser, and take the page's own and those without an {@code Origin}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "socketbox.cluster.enabled=false")
class ApiOriginTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper jsonMapper;

	@Test
	void broadcastFromAnotherSiteIsRefusedAndSendsNothing() throws Exception {
		try (ChatClient client = ChatClient.connect(this.jsonMapper, this.port)) {
			client.next("welcome");
			for (String origin : List.of("http://evil.example", "https://127.0.0.1:" + this.port,
					"http://127.0.0.1:" + (this.port + 1), "http://localhost:" + this.port, "null")) {
				assertThat(broadcast(this.port, origin, "from " + origin).statusCode()).as(origin).isEqualTo(403);
			}
			assertThat(broadcast(this.port, null, "legitimate").statusCode()).isEqualTo(202);
			assertThat(client.next("chat").path("text").asString()).isEqualTo("legitimate");
		}
	}

	@Test
	void broadcastWithMalformedOriginIsRefusedAndSendsNothing() throws Exception {
		try (ChatClient client = ChatClient.connect(this.jsonMapper, this.port)) {
			client.next("welcome");
			for (String origin : List.of("http://[::1", "http://127.0.0.1:" + this.port + ":80", "http://a b",
					"http://%zz", "://127.0.0.1", "", "http://" + "a".repeat(4000))) {
				assertThat(broadcast(this.port, origin, "malformed").statusCode()).as(origin).isEqualTo(403);
			}
			assertThat(broadcast(this.port, null, "legitimate").statusCode()).isEqualTo(202);
			assertThat(client.next("chat").path("text").asString()).isEqualTo("legitimate");
		}
	}

	@Test
	void refusalBeforeTheBodyArrivesClosesTheConnection() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /api/broadcast HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
					+ "\r\nOrigin: http://evil.example\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n")
				.getBytes(US_ASCII));
			out.flush();
			// The body is still to come: a client that reused this connection would lose its next request
			String head = readHead(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 403");
			assertThat(head.lines()).anyMatch((line) -> line.equalsIgnoreCase("Connection: close"));
		}
	}

	@Test
	void broadcastFromThePagesOwnOriginIsAccepted() throws Exception {
		try (ChatClient client = ChatClient.connect(this.jsonMapper, this.port)) {
			client.next("welcome");
			assertThat(broadcast(this.port, "http://127.0.0.1:" + this.port, "same origin").statusCode())
				.isEqualTo(202);
			assertThat(client.next("chat").path("text").asString()).isEqualTo("same origin");
		}
	}

	@Test
	void broadcastWithoutOriginIsAccepted() throws Exception {
		try (ChatClient client = ChatClient.connect(this.jsonMapper, this.port)) {
			client.next("welcome");
			assertThat(broadcast(this.port, null, "from a script").statusCode()).isEqualTo(202);
			assertThat(client.next("chat").path("text").asString()).isEqualTo("from a script");
		}
	}

	@Test
	void preflightFromAnotherSiteIsRefused() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(this.port, "/api/broadcast"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "http://evil.example")
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "content-type"));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void readsFollowTheSameRule() throws Exception {
		assertThat(get(this.port, "/api/cluster", "http://127.0.0.1:" + this.port).statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/api/stats", null).statusCode()).isEqualTo(200);
		assertThat(get(this.port, "/api/stats", "http://evil.example").statusCode()).isEqualTo(403);
	}

	@Test
	void originsAllowedForTheChatMayAlsoUseTheApi() throws Exception {
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.enabled=false", "socketbox.allowed-origin-patterns=https://*.example.com")
			.run()) {
			int otherPort = node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			HttpResponse<String> allowed = broadcast(otherPort, "https://chat.example.com", "allowed");
			assertThat(allowed.statusCode()).isEqualTo(202);
			assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://chat.example.com");
			assertThat(broadcast(otherPort, "http://evil.example", "refused").statusCode()).isEqualTo(403);
			assertThat(broadcast(otherPort, "http://127.0.0.1:" + otherPort, "same origin").statusCode())
				.isEqualTo(202);
		}
	}

	private HttpResponse<String> broadcast(int port, String origin, String text)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, "/api/broadcast"))
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.ofString(text));
		if (origin != null) {
			request.header("Origin", origin);
		}
		return send(request);
	}

	private HttpResponse<String> get(int port, String path, String origin) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, path)).GET();
		if (origin != null) {
			request.header("Origin", origin);
		}
		return send(request);
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return this.http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		int next;
		while (head.indexOf("\r\n\r\n") < 0 && (next = in.read()) != -1) {
			head.append((char) next);
		}
		return head.toString();
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

}

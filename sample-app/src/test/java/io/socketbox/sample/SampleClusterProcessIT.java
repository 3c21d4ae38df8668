package io.socketbox.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample as a cluster of three JVM processes that find each other through a
 * shared cache directory, driven over real HTTP and WebSocket connections. Run by
 * Failsafe once {@code sample-app.jar} is built; each node logs to
 * {@code target/process-it/node-N.log}.
 */
class SampleClusterProcessIT {

	/** A JVM start on a small CI machine, three at once, then the links between them. */
	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"))
		.toAbsolutePath();

	private final JsonMapper jsonMapper = JsonMapper.shared();

	private final List<Node> nodes = new ArrayList<>();

	private final List<TestClient> clients = new ArrayList<>();

	@TempDir
	Path cacheDirectory;

	@RegisterExtension
	final TestWatcher logReporter = new TestWatcher() {

		@Override
		public void testFailed(ExtensionContext context, Throwable cause) {
			SampleClusterProcessIT.this.nodes.forEach(Node::report);
		}

	};

	@BeforeEach
	void checkJar() {
		assertThat(JAR).as("the packaged sample; build it with ./mvnw -pl sample-app -am verify").isRegularFile();
	}

	@AfterEach
	void stopEverything() throws Exception {
		try {
			for (TestClient client : this.clients) {
				if (client.isOpen()) {
					client.close();
				}
			}
		}
		finally {
			for (Node node : this.nodes) {
				node.kill();
			}
		}
	}

	@Test
	void nodesInSeparateProcessesFormOneChat() throws Exception {
		int[] ports = freePorts(3);
		for (int i = 0; i < ports.length; i++) {
			this.nodes.add(Node.start(i + 1, ports[i], this.cacheDirectory, this.jsonMapper));
		}
		awaitLinked(this.nodes, START_TIMEOUT);
		Node node1 = this.nodes.get(0);
		Node node2 = this.nodes.get(1);
		Node node3 = this.nodes.get(2);
		String node1Name = node1.cluster().path("name").asString();
		String node2Name = node2.cluster().path("name").asString();

		TestClient client1 = connect(node1);
		TestClient client2 = connect(node2);
		TestClient client3 = connect(node3);
		String id1 = welcome(client1, node1);
		welcome(client2, node2);
		String id3 = welcome(client3, node3);
		List<TestClient> all = List.of(client1, client2, client3);

		client1.send(chat("hello from node 1"));
		for (TestClient client : all) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo(id1);
			assertThat(chat.path("node").asString()).isEqualTo(node1Name);
			assertThat(chat.path("text").asString()).isEqualTo("hello from node 1");
		}
		// A copy of the chat would come before this marker on the same links
		client1.send(chat("marker 1"));
		assertNextChat(all, "marker 1");

		client3.send("{\"type\":\"direct\",\"to\":\"" + id1 + "\",\"text\":\"psst\"}");
		JsonNode direct = client1.next("direct");
		assertThat(direct.path("from").asString()).isEqualTo(id3);
		assertThat(direct.path("text").asString()).isEqualTo("psst");
		// Had the direct message leaked, or been reported undelivered, it would come first
		client1.send(chat("marker 2"));
		assertNextChat(all, "marker 2");

		assertThat(node2.broadcast("maintenance at 5").getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		for (TestClient client : all) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo("server");
			assertThat(chat.path("node").asString()).isEqualTo(node2Name);
			assertThat(chat.path("text").asString()).isEqualTo("maintenance at 5");
		}

		node3.process.destroy();
		awaitLinked(List.of(node1, node2), LEAVE_TIMEOUT);
		assertThat(client3.awaitClose().getCode()).as("close code for node 3's client")
			.isEqualTo(CloseStatus.GOING_AWAY.getCode());
		assertThat(node3.process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("node 3 exited").isTrue();

		client1.send(chat("after node 3 left"));
		for (TestClient client : List.of(client1, client2)) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo(id1);
			assertThat(chat.path("text").asString()).isEqualTo("after node 3 left");
		}
	}

	/**
	 * Wait until each of the given nodes lists exactly the others, every link up.
	 */
	private static void awaitLinked(List<Node> live, Duration timeout) {
		await().alias("nodes " + live + " linked with each other and nobody else")
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptionsInstanceOf(ResourceAccessException.class)
			.failFast("a node exited", () -> live.stream().anyMatch((node) -> !node.process.isAlive()))
			.untilAsserted(() -> {
				List<JsonNode> views = new ArrayList<>();
				for (Node node : live) {
					views.add(node.cluster());
				}
				for (JsonNode view : views) {
					Tuple[] others = views.stream()
						.filter((other) -> other != view)
						.map((other) -> tuple(other.path("id").asString(), other.path("name").asString(), "UP"))
						.toArray(Tuple[]::new);
					assertThat(view.path("members").values())
						.as("members seen by %s", view.path("name").asString())
						.extracting((member) -> member.path("id").asString(), (member) -> member.path("name").asString(),
								(member) -> member.path("link").asString())
						.containsExactlyInAnyOrder(others);
				}
			});
	}

	private TestClient connect(Node node) throws Exception {
		TestClient client = TestClient.connect(this.jsonMapper, node.port);
		this.clients.add(client);
		return client;
	}

	private static String welcome(TestClient client, Node node) throws Exception {
		JsonNode cluster = node.cluster();
		JsonNode welcome = client.next("welcome");
		assertThat(welcome.path("node").asString()).isEqualTo(cluster.path("name").asString());
		String connection = welcome.path("connection").asString();
		assertThat(connection).startsWith(cluster.path("id").asString() + ".");
		return connection;
	}

	private static void assertNextChat(List<TestClient> clients, String text) throws Exception {
		for (TestClient client : clients) {
			assertThat(client.next("chat").path("text").asString()).isEqualTo(text);
		}
	}

	private static String chat(String text) {
		return "{\"type\":\"chat\",\"text\":\"" + text + "\"}";
	}

	private static int[] freePorts(int count) throws IOException {
		// Held open together so that the ports differ
		List<ServerSocket> sockets = new ArrayList<>();
		try {
			int[] ports = new int[count];
			for (int i = 0; i < count; i++) {
				ServerSocket socket = new ServerSocket(0);
				sockets.add(socket);
				ports[i] = socket.getLocalPort();
			}
			return ports;
		}
		finally {
			for (ServerSocket socket : sockets) {
				socket.close();
			}
		}
	}

	/**
	 * One sample node in its own JVM.
	 */
	private static final class Node {

		private final int number;

		private final int port;

		private final Path log;

		private final Process process;

		private final RestClient restClient;

		private final JsonMapper jsonMapper;

		private volatile @Nullable String stateBeforeCleanup;

		private Node(int number, int port, Path log, Process process, JsonMapper jsonMapper) {
			this.number = number;
			this.port = port;
			this.log = log;
			this.process = process;
			this.restClient = RestClient.create("http://127.0.0.1:" + port);
			this.jsonMapper = jsonMapper;
		}

		static Node start(int number, int port, Path cacheDirectory, JsonMapper jsonMapper) throws IOException {
			Path logDirectory = Files.createDirectories(JAR.resolveSibling("process-it"));
			Path log = logDirectory.resolve("node-" + number + ".log");
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", JAR.toString(), "--server.port=" + port,
					"--server.address=127.0.0.1", "--socketbox.cache.file.directory=" + cacheDirectory)
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new Node(number, port, log, process, jsonMapper);
		}

		JsonNode cluster() {
			return this.jsonMapper.readTree(this.restClient.get().uri("/api/cluster").retrieve().body(String.class));
		}

		ResponseEntity<Void> broadcast(String text) {
			return this.restClient.post()
				.uri("/api/broadcast")
				.contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
				.body(text)
				.retrieve()
				.toBodilessEntity();
		}

		void kill() throws InterruptedException {
			this.stateBeforeCleanup = state();
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
			}
			// Gone before the cache directory is deleted
			this.process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}

		void report() {
			String state = (this.stateBeforeCleanup != null) ? this.stateBeforeCleanup : state();
			System.out.println("Node " + this.number + " (port " + this.port + ", " + state + ") logged to " + this.log);
		}

		private String state() {
			return this.process.isAlive() ? "running" : "exited with " + this.process.exitValue();
		}

		@Override
		public String toString() {
			return String.valueOf(this.number);
		}

	}

}

package io.socketbox.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * One node of the packaged sample ({@code sample-app.jar}, built by {@code package}
 * before Failsafe runs) in its own JVM, logging to {@code target/process-it/<name>.log},
 * with its HTTP API and POSIX signals. Every HTTP call has a timeout, so that a stopped
 * node fails a call instead of hanging the test.
 */
final class SampleNodeProcess {

	/** A JVM start on a small CI machine, three at once, then the links between them. */
	static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	/** The lowest port {@link #freePorts} gives: above the well-known and most registered ones. */
	private static final int LOWEST_PORT = 20000;

	private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar")).toAbsolutePath();

	private static final JsonMapper jsonMapper = JsonMapper.shared();

	private static final HttpClient httpClient = HttpClient.newBuilder()
		.connectTimeout(HTTP_TIMEOUT)
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private final String name;

	private final int port;

	private final Path log;

	private final Process process;

	private volatile @Nullable String stateBeforeCleanup;

	private SampleNodeProcess(String name, int port, Path log, Process process) {
		this.name = name;
		this.port = port;
		this.log = log;
		this.process = process;
	}

	/**
	 * Start a node; it listens on {@code 127.0.0.1:port}.
	 * @param name names the node in messages and its log file
	 * @param port the HTTP port
	 * @param arguments further Spring Boot arguments ({@code --key=value})
	 * @return the started process, not yet ready
	 */
	static SampleNodeProcess start(String name, int port, List<String> arguments) throws IOException {
		return start(JAR, name, port, arguments);
	}

	/**
	 * Start a node of the given jar ({@code sample-app-tomcat.jar}, say); it listens on
	 * {@code 127.0.0.1:port}.
	 * @param jar the packaged sample
	 * @param name names the node in messages and its log file
	 * @param port the HTTP port
	 * @param arguments further Spring Boot arguments ({@code --key=value})
	 * @return the started process, not yet ready
	 */
	static SampleNodeProcess start(Path jar, String name, int port, List<String> arguments) throws IOException {
		assertThat(jar).as("the packaged sample; build it with ./mvnw -pl sample-app -am verify").isRegularFile();
		Path logDirectory = Files.createDirectories(jar.resolveSibling("process-it"));
		Path log = logDirectory.resolve(name + ".log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
				// C1 only and the serial collector: starts in about half the time on two cores
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), "--server.port=" + port,
				"--server.address=127.0.0.1"));
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new SampleNodeProcess(name, port, log, process);
	}

	/**
	 * Return what the node has logged so far.
	 */
	String log() throws IOException {
		return Files.readString(this.log);
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * This node's view of the cluster: {@code id}, {@code name} and {@code members}, each
	 * with {@code id}, {@code name} and {@code link}; {@code manager} ({@code id},
	 * {@code name}, {@code token}, or null) and {@code isManager}.
	 */
	JsonNode cluster() {
		return jsonMapper.readTree(get("/api/cluster"));
	}

	/**
	 * This node's id, as {@link #cluster()} reports it now.
	 */
	String id() {
		return cluster().path("id").asString();
	}

	/**
	 * This node's counters: {@code id}, {@code droppedMessages}, {@code localConnections},
	 * {@code slowClientsClosed} and {@code failedClientsClosed}.
	 */
	JsonNode stats() {
		return jsonMapper.readTree(get("/api/stats"));
	}

	/**
	 * The state of the link to another node as this node sees it: {@code UP},
	 * {@code CONNECTING}, {@code DOWN}, or {@code ABSENT} when it is no member.
	 */
	String linkTo(String nodeId) {
		for (JsonNode member : cluster().path("members").values()) {
			if (member.path("id").asString().equals(nodeId)) {
				return member.path("link").asString();
			}
		}
		return "ABSENT";
	}

	/**
	 * Every connection in the cluster as this node's directory lists it:
	 * {@code connections}, each with {@code id}, {@code node} and {@code user}.
	 */
	JsonNode connections() {
		return jsonMapper.readTree(get("/api/connections"));
	}

	/**
	 * A GET of this node's API that may take longer than the usual timeout, such as
	 * {@code /api/nodes}, which waits for every node's answer.
	 * @return the status and the body
	 */
	/**
	 * Wait until the node answers a path with 200, at most {@link #START_TIMEOUT}.
	 * @param path the path
	 */
	void awaitOk(String path) {
		await().alias(this + " answering " + path)
			.atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.failFast("the node exited", () -> !isAlive())
			.until(() -> get(path, Duration.ofSeconds(2)).statusCode() == 200);
	}

		HttpResponse<String> get(String path, Duration timeout) {
		return send(HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build());
	}

	/**
	 * Broadcast a server chat from this node.
	 * @return the HTTP status
	 */
	int broadcast(String text) {
		HttpRequest request = HttpRequest.newBuilder(uri("/api/broadcast"))
			.timeout(HTTP_TIMEOUT)
			.header("Content-Type", "text/plain;charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
			.build();
		return send(request).statusCode();
	}

	private String get(String path) {
		HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(HTTP_TIMEOUT).GET().build();
		HttpResponse<String> response = send(request);
		assertThat(response.statusCode()).as("status of GET %s on node %s", path, this).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return httpClient.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * Send a POSIX signal to the process with {@code kill}.
	 * @param signal {@code KILL}, {@code STOP}, {@code CONT}, ...
	 */
	void signal(String signal) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -%s %s returned", signal, pid()).isTrue();
		assertThat(kill.exitValue()).as("exit code of kill -%s %s", signal, pid()).isZero();
	}

	/**
	 * Ask the node to stop gracefully (SIGTERM).
	 */
	void stop() {
		this.process.destroy();
	}

	boolean awaitExit(Duration timeout) throws InterruptedException {
		return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Kill the process, if it still runs, and wait for it to go; for clean-up. Works on
	 * a stopped (SIGSTOP) process too.
	 */
	void kill() throws InterruptedException {
		this.stateBeforeCleanup = state();
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
		}
		// Gone before its cache directory, proxy or Redis is
		this.process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Print where the node logged and how it ended; for a failed test.
	 */
	void report() {
		String state = (this.stateBeforeCleanup != null) ? this.stateBeforeCleanup : state();
		System.out.println("Node " + this.name + " (port " + this.port + ", pid " + pid() + ", " + state
				+ ") logged to " + this.log);
	}

	private String state() {
		return this.process.isAlive() ? "running" : "exited with " + this.process.exitValue();
	}

	@Override
	public String toString() {
		return this.name;
	}

	/**
	 * Wait until each of the given nodes lists exactly the others, each once, every link
	 * up.
	 */
	static void awaitLinked(List<SampleNodeProcess> live, Duration timeout) {
		await().alias("nodes " + live + " linked with each other and nobody else")
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.failFast("a node exited", () -> live.stream().anyMatch((node) -> !node.isAlive()))
			.untilAsserted(() -> assertLinked(live));
	}

	/**
	 * Assert that each of the given nodes lists exactly the others, each once, every link
	 * up.
	 */
	static void assertLinked(List<SampleNodeProcess> live) {
		List<JsonNode> views = new ArrayList<>();
		for (SampleNodeProcess node : live) {
			views.add(node.cluster());
		}
		for (JsonNode view : views) {
			Tuple[] others = views.stream()
				.filter((other) -> other != view)
				.map((other) -> tuple(other.path("id").asString(), other.path("name").asString(), "UP"))
				.toArray(Tuple[]::new);
			assertThat(view.path("members").values()).as("members seen by %s", view.path("name").asString())
				.extracting((member) -> member.path("id").asString(), (member) -> member.path("name").asString(),
						(member) -> member.path("link").asString())
				.containsExactlyInAnyOrder(others);
		}
	}

	/**
	 * Return distinct free ports below the kernel's ephemeral range, which it hands to
	 * outgoing connections and to servers on port 0: a port from inside that range can
	 * be taken by anything (a peer link, a test's own server) between this check and the
	 * node's start ("Port ... was already in use"). Ports of the range where it cannot
	 * be read.
	 */
	static int[] freePorts(int count) throws IOException {
		int firstEphemeral = firstEphemeralPort();
		List<Integer> ports = new ArrayList<>();
		int span = firstEphemeral - LOWEST_PORT;
		int start = ThreadLocalRandom.current().nextInt(span);
		for (int i = 0; i < span && ports.size() < count; i++) {
			int port = LOWEST_PORT + (start + i) % span;
			try (ServerSocket socket = new ServerSocket(port)) {
				ports.add(socket.getLocalPort());
			}
			catch (IOException ex) {
				// Taken: the next one
			}
		}
		if (ports.size() < count) {
			throw new IOException("No " + count + " free ports between " + LOWEST_PORT + " and " + firstEphemeral);
		}
		return ports.stream().mapToInt(Integer::intValue).toArray();
	}

	private static int firstEphemeralPort() {
		try {
			String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
			int first = Integer.parseInt(range.split("\\s+")[0]);
			return Math.max(first, LOWEST_PORT + 1000);
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux: IANA's dynamic range starts here
			return 49152;
		}
	}

}

package io.socketbox.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A system under test: how to start its nodes, what they know of each other and how
 * much memory they use.
 */
abstract class Target {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final AtomicInteger nodeCount = new AtomicInteger();

	protected final HttpClient http = HttpClient.newBuilder()
		// No h2c upgrade: Node hands such requests to its upgrade handler, not to the request one
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	protected final Path logDirectory;

	private final List<Node> running = Collections.synchronizedList(new ArrayList<>());

	Target(Path logDirectory) {
		this.logDirectory = logDirectory;
	}

	abstract String name();

	Path logDirectory() {
		return this.logDirectory;
	}

	abstract Wire wire();

	/**
	 * Prepare a new cluster: nodes started after this do not see those of earlier ones.
	 */
	abstract void newCluster();

	protected abstract List<String> command(int port);

	protected abstract Path workingDirectory();

	/**
	 * Return how many other nodes the given node sees as members.
	 */
	abstract int members(Node node) throws IOException;

	/**
	 * Return how many other nodes the given node can send to right now.
	 */
	abstract int linked(Node node) throws IOException;

	/**
	 * Return the heap in use after a full collection, in bytes.
	 */
	abstract long heapAfterGc(Node node) throws IOException, InterruptedException;

	/**
	 * Return a histogram of the objects on the heap, or {@code null} when the system
	 * has none to offer.
	 */
	String heapHistogram(Node node) throws IOException, InterruptedException {
		return null;
	}

	/**
	 * Start a cluster and wait until every node can reach every other.
	 */
	List<Node> startCluster(int count) throws IOException, InterruptedException {
		newCluster();
		List<Node> nodes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			nodes.add(spawn());
		}
		awaitLinked(nodes);
		return nodes;
	}

	/**
	 * Wait until each of the given nodes can reach every other.
	 */
	void awaitLinked(List<Node> nodes) throws InterruptedException {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		for (Node node : nodes) {
			while (!ready(node, nodes.size() - 1)) {
				if (!node.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(name() + ": " + node + " did not join a cluster of " + nodes.size()
							+ " (see " + this.logDirectory + ")");
				}
				Thread.sleep(100);
			}
		}
	}

	/**
	 * Start one node without waiting for it.
	 */
	Node spawn() throws IOException {
		return spawn(List.of());
	}

	/**
	 * Start one node with more arguments after those of {@link #command(int)}, without
	 * waiting for it.
	 */
	Node spawn(List<String> extraArguments) throws IOException {
		int port = freePort();
		Path log = this.logDirectory.resolve(name().toLowerCase().replaceAll("[^a-z0-9]", "") + "-"
				+ nodeCount.incrementAndGet() + "-" + port + ".log");
		List<String> command = new ArrayList<>(command(port));
		command.addAll(extraArguments);
		Node node = Node.start(command, workingDirectory(), log, port);
		this.running.add(node);
		return node;
	}

	private boolean ready(Node node, int others) {
		try {
			return linked(node) == others;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Stop every node this target started.
	 */
	void stopAll() {
		List<Node> nodes;
		synchronized (this.running) {
			nodes = new ArrayList<>(this.running);
			this.running.clear();
		}
		nodes.parallelStream().forEach(Node::stop);
	}

	protected String get(int port, String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IOException("GET " + path + " answered " + response.statusCode());
			}
			return response.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	protected static int count(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
			count++;
		}
		return count;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public String toString() {
		return name();
	}

}

package io.socketbox.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 11, the rolling restart (issue 15): {@value #NODES} nodes behind nginx
 * (round-robin, no affinity), each producing its share of a numbered stream; clients
 * connected through nginx record every message ({@code benchmarks/socketio/rolling-clients.js});
 * every node is restarted in turn (SIGTERM, start again on the same port, wait until it
 * serves, next); then the stream stops and the clients count what was lost, duplicated
 * and out of order per sender, their reconnects and their longest gap.
 * <p>
 * A node is a sender that numbers its own messages; a restarted node is a new sender
 * (named {@code node-<slot>.<incarnation>}) that counts from 1, so "in order per sender"
 * stays defined across restarts, and what is expected of each sender is what it says it
 * produced: its answer to {@code GET /stream/stop}, or for a node that was stopped, the
 * line {@code produced {...}} it printed on SIGTERM.
 */
final class RollingRestart {

	static final int NODES = 3;

	/**
	 * The clients run in this many Node.js processes, for both systems: with one event loop
	 * for all 100, the loop fell seconds behind on two busy cores, and SocketBox's nodes cut
	 * its clients off as slow readers (read liveness), which browsers, each with a loop of
	 * its own, would not have been (docs/benchmarks.md, "Rolling restart").
	 */
	static final int CLIENT_PROCESSES = 4;

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration CLIENTS_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);

	private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\":(-?[0-9]+(?:\\.[0-9]+)?)");

	private static final Pattern LONGEST_GAPS = Pattern.compile("\"longestGaps\":\\[([0-9.,]*)]");

	private static final String PRODUCED = "produced ";

	/** Counts runs, so that each SocketBox run has its own cache namespace. */
	private static final AtomicInteger RUNS = new AtomicInteger();

	private final Settings settings;

	private final Path socketIoDirectory;

	private final Path nginxTemplate;

	private final Path logDirectory;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	RollingRestart(Settings settings, Path socketIoDirectory, Path nginxTemplate, Path logDirectory) {
		this.settings = settings;
		this.socketIoDirectory = socketIoDirectory;
		this.nginxTemplate = nginxTemplate;
		this.logDirectory = logDirectory;
	}

	/**
	 * Run the rolling restart against one system and return its figures: counts, and
	 * times in seconds.
	 */
	Map<String, Double> run(RollingSystem system) throws Exception {
		Files.createDirectories(this.logDirectory);
		RUNS.incrementAndGet();
		String prefix = "rolling-" + system.name().toLowerCase().replaceAll("[^a-z0-9]", "");
		List<Integer> ports = new ArrayList<>();
		List<Node> nodes = new ArrayList<>();
		List<String> produced = new ArrayList<>();
		Process nginx = null;
		List<Clients> clients = new ArrayList<>();
		try {
			for (int slot = 1; slot <= NODES; slot++) {
				int port = Target.freePort();
				ports.add(port);
				nodes.add(startNode(system, prefix, port, sender(slot, 1), false));
			}
			for (Node node : nodes) {
				awaitReady(node);
			}
			int balancerPort = Target.freePort();
			nginx = startNginx(prefix, balancerPort, ports);
			awaitBalancer(nginx, balancerPort);
			for (int i = 0; i < CLIENT_PROCESSES; i++) {
				clients.add(startClients(system, prefix, i, balancerPort));
			}
			expect(clients, "connected", CLIENTS_TIMEOUT);
			Benchmark.log("  " + this.settings.clients() + " clients in " + CLIENT_PROCESSES
					+ " processes through nginx on port " + balancerPort);
			command(clients, "start");
			expect(clients, "started", CLIENTS_TIMEOUT);
			for (Node node : nodes) {
				get(node.port(), "/stream/start");
			}
			Thread.sleep(this.settings.steady().toMillis());
			List<Double> stopTimes = new ArrayList<>();
			List<Double> startTimes = new ArrayList<>();
			for (int slot = 1; slot <= NODES; slot++) {
				Node old = nodes.get(slot - 1);
				long stopping = System.nanoTime();
				old.stop();
				stopTimes.add((System.nanoTime() - stopping) / 1e9);
				produced.add(producedOnStop(logOf(prefix, old.port(), sender(slot, 1))));
				Node restarted = startNode(system, prefix, old.port(), sender(slot, 2), true);
				nodes.set(slot - 1, restarted);
				awaitReady(restarted);
				startTimes.add((System.nanoTime() - restarted.startedAt()) / 1e9);
				Benchmark.log(String.format(Locale.ROOT, "  node %d restarted: stopped in %.2f s, ready in %.2f s",
						slot, stopTimes.get(slot - 1), startTimes.get(slot - 1)));
			}
			Thread.sleep(this.settings.steady().toMillis());
			for (Node node : nodes) {
				produced.add(get(node.port(), "/stream/stop").trim());
			}
			command(clients, "stop");
			expect(clients, "stopped", CLIENTS_TIMEOUT);
			Path producedFile = this.logDirectory.resolve(prefix + "-produced.json");
			Files.writeString(producedFile, "[" + String.join(",\n", produced) + "]\n");
			command(clients, "finish " + producedFile);
			Map<String, Double> figures = merge(expect(clients, "result", RESULT_TIMEOUT));
			figures.put("nodeStopMax", stopTimes.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
			figures.put("nodeReadyMax", startTimes.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
			return figures;
		}
		finally {
			nodes.forEach(Node::stop);
			clients.forEach((process) -> stop(process.process()));
			stop(nginx);
		}
	}

	private static String sender(int slot, int incarnation) {
		return "node-" + slot + "." + incarnation;
	}

	private Node startNode(RollingSystem system, String prefix, int port, String sender, boolean produce)
			throws IOException {
		List<String> command = system.nodeCommand(port, sender, this.settings, produce);
		return Node.start(command, system.workingDirectory(), logOf(prefix, port, sender), port);
	}

	private Path logOf(String prefix, int port, String sender) {
		return this.logDirectory.resolve(prefix + "-" + sender + "-" + port + ".log");
	}

	/**
	 * Return the figures of what a stopped node printed on SIGTERM.
	 */
	static String producedOnStop(Path log) throws IOException {
		for (String line : Files.readAllLines(log)) {
			if (line.startsWith(PRODUCED)) {
				return line.substring(PRODUCED.length()).trim();
			}
		}
		throw new IOException("No '" + PRODUCED.trim() + "' line in " + log
				+ ": the node did not report what it produced before it stopped");
	}

	/**
	 * Return the numeric fields of a flat JSON object, such as the clients' result.
	 */
	static Map<String, Double> figures(String json) {
		Map<String, Double> figures = new LinkedHashMap<>();
		Matcher matcher = NUMBER_FIELD.matcher(json);
		while (matcher.find()) {
			figures.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
		}
		if (figures.isEmpty()) {
			throw new IllegalArgumentException("No figures in " + json);
		}
		return figures;
	}

	/**
	 * Return nginx's configuration: the sample's, listening on {@code port}, with the
	 * given nodes as its upstream servers (between the template's markers). The servers
	 * get {@code max_fails=0}, as the sample's own configuration has them: nginx clears a
	 * server's failure only when a request to it ends, and a WebSocket ends only when it
	 * closes, so after a restart it refused most reconnects ("no live upstreams") while
	 * every node was up (docs/benchmarks.md, "nginx's max_fails and WebSockets").
	 */
	static String nginxConfiguration(String template, int port, List<Integer> nodePorts) {
		StringBuilder configuration = new StringBuilder();
		boolean skipping = false;
		boolean replaced = false;
		for (String line : template.split("\n", -1)) {
			if (line.contains("upstream-servers-start")) {
				skipping = true;
				replaced = true;
				for (int nodePort : nodePorts) {
					configuration.append("\t\tserver 127.0.0.1:").append(nodePort).append(" max_fails=0;\n");
				}
				continue;
			}
			if (line.contains("upstream-servers-end")) {
				skipping = false;
				continue;
			}
			if (!skipping) {
				configuration.append(line.replaceFirst("listen 127\\.0\\.0\\.1:\\d+;", "listen 127.0.0.1:" + port + ";"))
					.append('\n');
			}
		}
		if (!replaced || skipping) {
			throw new IllegalArgumentException("No upstream-servers-start/-end markers in the nginx template");
		}
		return configuration.substring(0, configuration.length() - 1);
	}

	private Process startNginx(String prefix, int port, List<Integer> nodePorts) throws IOException {
		String nginx = nginxBinary();
		Path directory = this.logDirectory.resolve(prefix + "-nginx");
		Files.createDirectories(directory.resolve("temp"));
		Path configuration = directory.resolve("nginx.conf");
		Files.writeString(configuration, nginxConfiguration(Files.readString(this.nginxTemplate), port, nodePorts));
		return new ProcessBuilder(nginx, "-p", directory.toString(), "-c", configuration.toString(), "-g",
				"daemon off;")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("nginx.log").toFile())
			.start();
	}

	private static String nginxBinary() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
			if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "nginx"))) {
				return Path.of(directory, "nginx").toString();
			}
		}
		if (Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
			return "/usr/sbin/nginx";
		}
		throw new IllegalStateException(
				"Scenario 11 needs nginx, which is not installed: apt-get install nginx-light (Debian, Ubuntu)");
	}

	/**
	 * Start one process of clients: its share of the clients, named after those of the
	 * processes before it.
	 */
	private Clients startClients(RollingSystem system, String prefix, int index, int balancerPort)
			throws IOException {
		int first = this.settings.clients() * index / CLIENT_PROCESSES;
		int count = this.settings.clients() * (index + 1) / CLIENT_PROCESSES - first;
		List<String> command = new ArrayList<>(List.of("node", "--experimental-websocket", "--no-warnings",
				"rolling-clients.js", "--transport", system.clientTransport(), "--url",
				system.clientUrl(balancerPort), "--clients", Integer.toString(count), "--first",
				Integer.toString(first)));
		Process process = new ProcessBuilder(command).directory(this.socketIoDirectory.toFile())
			.redirectError(ProcessBuilder.Redirect
				.appendTo(this.logDirectory.resolve(prefix + "-clients-" + (index + 1) + ".log").toFile()))
			.start();
		return new Clients(process, lines(process),
				new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
	}

	/**
	 * Return the figures of all the clients from those of each process: counts summed,
	 * the longest gap the longest, its median over every client's longest gap.
	 */
	static Map<String, Double> merge(List<String> results) {
		Map<String, Double> merged = new LinkedHashMap<>();
		List<Double> longestGaps = new ArrayList<>();
		for (String result : results) {
			String json = result.substring("result ".length());
			figures(json).forEach((name, value) -> merged.merge(name, value,
					(name.equals("longestGapMs") || name.equals("quietAfterMs")) ? Math::max : Double::sum));
			Matcher gaps = LONGEST_GAPS.matcher(json);
			if (gaps.find() && !gaps.group(1).isEmpty()) {
				for (String gap : gaps.group(1).split(",")) {
					longestGaps.add(Double.parseDouble(gap));
				}
			}
		}
		merged.put("medianLongestGapMs", median(longestGaps));
		return merged;
	}

	private static double median(List<Double> values) {
		if (values.isEmpty()) {
			return 0;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static BlockingQueue<String> lines(Process process) {
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// The process ended
			}
		}, "rolling-clients-output");
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	/**
	 * Wait for a line from every process of clients.
	 * @return the lines, one per process
	 */
	private static List<String> expect(List<Clients> clients, String word, Duration timeout)
			throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> found = new ArrayList<>();
		for (Clients process : clients) {
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? process.lines().poll(left, TimeUnit.NANOSECONDS) : null;
				if (line == null) {
					throw new IllegalStateException("The clients did not say '" + word + "' within " + timeout);
				}
				if (line.equals(word) || line.startsWith(word + " ")) {
					found.add(line);
					break;
				}
			}
		}
		return found;
	}

	private static void command(List<Clients> clients, String command) throws IOException {
		for (Clients process : clients) {
			process.commands().write(command + "\n");
			process.commands().flush();
		}
	}

	/**
	 * One process of clients: the process, its output lines and its commands.
	 */
	private record Clients(Process process, BlockingQueue<String> lines, Writer commands) {

	}

	private void awaitReady(Node node) throws InterruptedException {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (!answers(node.port())) {
			if (!node.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException(node + " did not become ready (see " + this.logDirectory + ")");
			}
			Thread.sleep(50);
		}
	}

	private void awaitBalancer(Process nginx, int port) throws InterruptedException {
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (!answers(port)) {
			if (!nginx.isAlive() || System.nanoTime() > deadline) {
				throw new IllegalStateException("nginx did not start on port " + port + " (see " + this.logDirectory
						+ ")");
			}
			Thread.sleep(50);
		}
	}

	private boolean answers(int port) {
		try {
			get(port, "/ready");
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private String get(int port, String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
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

	private static void stop(Process process) {
		if (process == null) {
			return;
		}
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
	}

	/**
	 * The load and the timing of a run.
	 *
	 * @param clients how many clients connect through nginx
	 * @param directClients how many of them also receive messages to them alone
	 * @param broadcastRate broadcasts per second of the whole cluster (each node sends its
	 * share)
	 * @param directRate messages per second to each direct client, from the whole cluster
	 * @param steady how long the stream runs before the first restart and after the last
	 * (between restarts it does not wait: the next node stops once the last one serves)
	 */
	record Settings(int clients, int directClients, double broadcastRate, double directRate, Duration steady) {

		double broadcastRatePerNode() {
			return this.broadcastRate / NODES;
		}

		double directRatePerNode() {
			return this.directRate / NODES;
		}

	}

	/**
	 * A system the rolling restart runs against: how to start a node that produces its
	 * share of the stream and serves {@code GET /ready}, {@code /stream/start} and
	 * {@code /stream/stop}, and which transport of {@code rolling-clients.js} speaks to it.
	 */
	interface RollingSystem {

		String name();

		List<String> nodeCommand(int port, String sender, Settings settings, boolean produce);

		Path workingDirectory();

		String clientTransport();

		String clientUrl(int balancerPort);

	}

	/**
	 * SocketBox's sample with its stream on ({@code sample.stream.enabled}, see the
	 * sample's {@code StreamProducer}): sessions at their defaults, Redis as the cache,
	 * Boot's graceful shutdown on SIGTERM; clients through {@code client.js}.
	 *
	 * @param jar the sample's jar
	 * @param redisPort the port of the benchmark's Redis
	 * @param jvmArguments the nodes' JVM arguments
	 */
	record SocketBox(Path jar, int redisPort, List<String> jvmArguments) implements RollingSystem {

		@Override
		public String name() {
			return "SocketBox";
		}

		@Override
		public List<String> nodeCommand(int port, String sender, Settings settings, boolean produce) {
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(this.jvmArguments);
			command.addAll(CdsArchive.launch(this.jar));
			command.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1",
					"--socketbox.cache.type=redis", "--spring.data.redis.host=127.0.0.1",
					"--spring.data.redis.port=" + this.redisPort,
					// A fresh namespace per run, so that members of an earlier one never show up
					"--socketbox.cluster.cache-prefix=rolling-" + ProcessHandle.current().pid() + "-"
							+ RUNS.get() + ":",
					"--sample.stream.enabled=true", "--sample.stream.sender=" + sender,
					"--sample.stream.broadcast-rate=" + settings.broadcastRatePerNode(),
					"--sample.stream.direct-rate=" + settings.directRatePerNode(),
					"--sample.stream.direct-targets=" + settings.directClients(),
					"--sample.stream.produce-at-start=" + produce,
					// Ready, and producing, once linked with the other nodes: see docs/benchmarks.md
					"--sample.stream.await-peers=" + (NODES - 1)));
			return command;
		}

		@Override
		public Path workingDirectory() {
			return this.jar.getParent();
		}

		@Override
		public String clientTransport() {
			return "socketbox";
		}

		@Override
		public String clientUrl(int balancerPort) {
			return "ws://127.0.0.1:" + balancerPort + "/ws";
		}

	}

	/**
	 * Socket.IO 4 with the Redis Streams adapter and connection state recovery
	 * ({@code benchmarks/socketio/rolling-server.js}).
	 */
	record SocketIo(Path directory, int redisPort) implements RollingSystem {

		@Override
		public String name() {
			return "Socket.IO";
		}

		@Override
		public List<String> nodeCommand(int port, String sender, Settings settings, boolean produce) {
			List<String> command = new ArrayList<>(List.of("node", "rolling-server.js", Integer.toString(port),
					Integer.toString(this.redisPort), sender, Double.toString(settings.broadcastRatePerNode()),
					Double.toString(settings.directRatePerNode()), Integer.toString(settings.directClients())));
			if (produce) {
				command.add("produce");
			}
			return command;
		}

		@Override
		public Path workingDirectory() {
			return this.directory;
		}

		@Override
		public String clientTransport() {
			return "socketio";
		}

		@Override
		public String clientUrl(int balancerPort) {
			return "http://127.0.0.1:" + balancerPort;
		}

	}

}

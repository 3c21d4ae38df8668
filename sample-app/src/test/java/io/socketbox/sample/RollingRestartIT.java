package io.socketbox.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.socketbox.sample.SampleNodeProcess.START_TIMEOUT;
import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static io.socketbox.sample.SampleNodeProcess.freePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A rolling restart behind nginx (issue 15), in separate processes: three sample nodes
 * with the stream on ({@code sample.stream.enabled}: 100 numbered broadcasts/s from the
 * cluster, 10 numbered messages/s to each of 10 clients), nginx round-robin in front of
 * them (the sample's {@code nginx/nginx.conf}), 100 Node.js clients on {@code client.js}
 * ({@code src/test/js/rolling-stream-clients.js}, in {@value #CLIENT_PROCESSES} processes,
 * their figures merged by {@link ClientFigures}); every node in turn gets SIGTERM, is
 * started again on its port, and serves before the next one stops.
 * <p>
 * Asserts that nothing is missing silently: every number a client did not receive was
 * announced by a {@code gap} event; and that nothing arrives twice or out of order per
 * sender. Prints the figures (lost, announced, reconnects, longest gap). Skipped, with
 * the reason, where nginx or Node.js 20+ is missing. Logs in {@code target/process-it/}.
 */
class RollingRestartIT {

	private static final int NODES = 3;

	private static final int CLIENTS = 100;

	private static final int DIRECT_CLIENTS = 10;

	/**
	 * The clients run in this many Node.js processes: one event loop for all of them fell
	 * seconds behind on two busy cores (three JVMs, nginx and Maven beside it), and the
	 * nodes cut its clients off as slow readers, which a browser, a process of its own,
	 * would not have been.
	 */
	private static final int CLIENT_PROCESSES = 4;

	private static final double BROADCAST_RATE = 100;

	private static final double DIRECT_RATE = 10;

	private static final Duration STEADY = Duration.ofSeconds(5);

	private static final Duration CLIENTS_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);

	private static final String PRODUCED = "produced ";

	private static final Path LOGS = SampleNodeProcess.JAR.resolveSibling("process-it");

	@RegisterExtension
	final ProcessCluster processes = new ProcessCluster();

	@Test
	void everyNumberArrivesOnceInOrderOrItsLossIsAnnounced() throws Exception {
		Run run = startRun("rolling");
		for (int i = 0; i < NODES; i++) {
			SampleNodeProcess old = run.nodes.get(i);
			long stopping = System.nanoTime();
			old.stop();
			assertThat(old.awaitExit(Duration.ofSeconds(30))).as("%s exits on SIGTERM", old).isTrue();
			run.produced.add(producedLine(old));
			restart(run, i, "rolling-node-" + (i + 1) + "b");
			System.out.printf("RollingRestartIT: node %d restarted, %.1f s from SIGTERM to ready%n", i + 1,
					(System.nanoTime() - stopping) / 1e9);
		}
		JsonNode figures = finish(run, "rolling restart");
		assertNothingMissingSilently(figures);
		assertThat(figures.path("notRecovered").asLong()).as("reconnects that got a new session").isZero();
	}

	/**
	 * The variant of issue 15 with a crash: the second node gets SIGKILL, so it hands
	 * nothing over; it is started again. Its clients resume elsewhere: the broadcasts the
	 * other nodes kept are replayed to them, and what its sessions kept is reported as a
	 * gap ({@code node-lost}). What the crashed node produced is known only from what
	 * reached the clients: its broadcasts are owed up to the highest number that a client
	 * connected throughout (to the other nodes) received; those above it reached only its
	 * own clients before it died, and are printed apart.
	 */
	@Test
	void afterACrashWhatThePeersKeptIsRecoveredAndTheRestIsAnnounced() throws Exception {
		Run run = startRun("crash");
		SampleNodeProcess crashed = run.nodes.get(1);
		String crashedId = crashed.id();
		long killing = System.nanoTime();
		crashed.kill();
		run.produced.add("{\"sender\":\"node-" + crashedId + "\",\"crashed\":true}");
		restart(run, 1, "crash-node-2b");
		System.out.printf("RollingRestartIT (crash): node 2 restarted, %.1f s from SIGKILL to ready%n",
				(System.nanoTime() - killing) / 1e9);
		JsonNode figures = finish(run, "crash");
		System.out.printf("RollingRestartIT (crash): %d broadcasts recovered after a reconnect (replayed by the node "
				+ "the client resumed on), %d messages lost and announced %s; %d broadcasts of the crashed node reached "
				+ "only its own clients, never its peers%n", figures.path("recovered").asLong(),
				figures.path("announced").asLong(), figures.path("gapReasons"), figures.path("lostInCrash").asLong());
		assertNothingMissingSilently(figures);
	}

	/**
	 * Start the nodes, nginx and the clients, and the stream, and let it run steadily.
	 */
	private Run startRun(String name) throws Exception {
		Optional<String> nginx = NginxBalancer.executable();
		assumeThat(nginx).as("nginx is not installed (apt-get install nginx-light): RollingRestartIT needs it")
			.isPresent();
		assumeThat(nodeMajorVersion()).as("Node.js 20+ is not on the PATH: RollingRestartIT's clients need it")
			.isGreaterThanOrEqualTo(20);
		int[] ports = freePorts(NODES + 1);
		List<String> arguments = new ArrayList<>(this.processes.fileCache());
		arguments.addAll(List.of("--sample.stream.enabled=true",
				"--sample.stream.broadcast-rate=" + (BROADCAST_RATE / NODES),
				"--sample.stream.direct-rate=" + (DIRECT_RATE / NODES),
				"--sample.stream.direct-targets=" + DIRECT_CLIENTS,
				// A restarted node produces once linked with the others (docs/benchmarks.md)
				"--sample.stream.await-peers=" + (NODES - 1),
				// Every session started, resumed, handed over and taken over, in the node logs
				"--logging.level.io.socketbox.spring.internal.SocketBoxWebSocketHandler=DEBUG"));
		List<SampleNodeProcess> nodes = new ArrayList<>();
		for (int i = 0; i < NODES; i++) {
			nodes.add(this.processes.start(name + "-node-" + (i + 1) + "a", ports[i], arguments));
		}
		awaitLinked(nodes, START_TIMEOUT);
		nodes.forEach(RollingRestartIT::awaitReady);
		int balancerPort = ports[NODES];
		NginxBalancer.start(this.processes, nginx.get(), name + "-nginx", balancerPort, Arrays.copyOf(ports, NODES));

		Path clientModule = clientModule();
		List<Clients> clients = new ArrayList<>();
		for (int i = 0; i < CLIENT_PROCESSES; i++) {
			clients.add(startClients(name, i, balancerPort, clientModule));
		}
		Run run = new Run(name, nodes, arguments, clients, new ArrayList<>());
		expect(run, "connected", CLIENTS_TIMEOUT);
		command(run, "start");
		expect(run, "started", CLIENTS_TIMEOUT);
		for (SampleNodeProcess node : nodes) {
			assertThat(node.get("/stream/start", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
		}
		// The stream runs at its rates for a while before anything happens
		Thread.sleep(STEADY.toMillis());
		return run;
	}

	/**
	 * Start a node again on the port of the one it replaces, and wait until it serves.
	 */
	private void restart(Run run, int index, String name) throws IOException {
		SampleNodeProcess restarted = this.processes.start(name, run.nodes.get(index).port(),
				withProduceAtStart(run.arguments));
		run.nodes.set(index, restarted);
		awaitLinked(run.nodes, START_TIMEOUT);
		awaitReady(restarted);
	}

	/**
	 * Let the stream run steadily again, stop it, and have the clients count.
	 */
	private static JsonNode finish(Run run, String what) throws Exception {
		Thread.sleep(STEADY.toMillis());
		for (SampleNodeProcess node : run.nodes) {
			HttpResponse<String> stop = node.get("/stream/stop", Duration.ofSeconds(10));
			assertThat(stop.statusCode()).isEqualTo(200);
			run.produced.add(stop.body().trim());
		}
		command(run, "stop");
		expect(run, "stopped", CLIENTS_TIMEOUT);
		Path producedFile = LOGS.resolve(run.name + "-produced.json");
		Files.writeString(producedFile, "[" + String.join(",\n", run.produced) + "]\n");
		command(run, "finish " + producedFile);
		List<JsonNode> results = new ArrayList<>();
		for (String line : expect(run, "result", RESULT_TIMEOUT)) {
			results.add(JsonMapper.shared().readTree(line.substring("result ".length())));
		}
		JsonNode figures = ClientFigures.merge(results);
		System.out.println("RollingRestartIT (" + what + "): " + figures);
		System.out.printf(
				"RollingRestartIT (%s): %d owed, %d received, %d lost (%d announced by a gap, %d silently, %d of them "
						+ "before the first number of their sender that reached the client), %d duplicated, "
						+ "%d out of order; %d reconnects (%d with a new session), %d gap events %s; "
						+ "longest gap %d ms (median over clients %d ms)%n",
				what, figures.path("expected").asLong(), figures.path("received").asLong(),
				figures.path("lost").asLong(), figures.path("announced").asLong(), figures.path("silent").asLong(),
				figures.path("silentAtStart").asLong(), figures.path("duplicated").asLong(),
				figures.path("outOfOrder").asLong(), figures.path("reconnects").asLong(),
				figures.path("notRecovered").asLong(), figures.path("gaps").asLong(), figures.path("gapReasons"),
				figures.path("longestGapMs").asLong(), figures.path("medianLongestGapMs").asLong());
		return figures;
	}

	private static void assertNothingMissingSilently(JsonNode figures) {
		assertThat(figures.path("expected").asLong()).as("messages owed").isPositive();
		assertThat(figures.path("ended").asLong()).as("clients that gave up").isZero();
		assertThat(figures.path("disconnectedAtEnd").asLong()).as("clients not connected at the end").isZero();
		assertThat(figures.path("silent").asLong())
			.as("numbers lost without a gap event, for example %s; after a number of their sender that arrived: %s",
					figures.path("silentExamples"), figures.path("silentLaterExamples"))
			.isZero();
		assertThat(figures.path("unexpected").asLong()).as("numbers no sender produced").isZero();
		assertThat(figures.path("duplicated").asLong())
			.as("numbers received twice, for example %s", figures.path("duplicatedExamples"))
			.isZero();
		assertThat(figures.path("outOfOrder").asLong()).as("numbers received after a higher one of their sender")
			.isZero();
	}

	private static List<String> withProduceAtStart(List<String> arguments) {
		List<String> restarted = new ArrayList<>(arguments);
		restarted.add("--sample.stream.produce-at-start=true");
		return restarted;
	}

	private static void awaitReady(SampleNodeProcess node) {
		// The sample's readiness with the stream on: linked with the other nodes
		node.awaitOk("/ready");
	}

	private static String producedLine(SampleNodeProcess node) throws IOException {
		return node.log()
			.lines()
			.filter((line) -> line.startsWith(PRODUCED))
			.map((line) -> line.substring(PRODUCED.length()).trim())
			.findFirst()
			.orElseThrow(() -> new AssertionError(node + " did not print what it produced on SIGTERM"));
	}

	/**
	 * Start one process of clients: its share of {@link #CLIENTS}, named after those of
	 * the processes before it.
	 */
	private Clients startClients(String name, int index, int balancerPort, Path clientModule) throws IOException {
		int count = CLIENTS / CLIENT_PROCESSES;
		Process process = new ProcessBuilder("node", "--experimental-websocket", "--no-warnings",
				Path.of("src", "test", "js", "rolling-stream-clients.js").toAbsolutePath().toString(), "--url",
				"ws://127.0.0.1:" + balancerPort + "/ws", "--client-module", clientModule.toString(), "--clients",
				Integer.toString(count), "--first", Integer.toString(index * count))
			.redirectError(LOGS.resolve(name + "-clients-" + (index + 1) + ".log").toFile())
			.start();
		this.processes.closeAfterNodes(() -> stop(process));
		return new Clients(name + "-clients-" + (index + 1), lines(process),
				new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
	}

	/**
	 * Write the starter's {@code client.js}, as it serves it, where the clients load it.
	 * @return its path
	 */
	private static Path clientModule() throws IOException {
		Path clientModule = LOGS.resolve("client.js");
		try (InputStream in = RollingRestartIT.class.getResourceAsStream("/io/socketbox/spring/client/client.js")) {
			assertThat(in).as("client.js on the class path").isNotNull();
			Files.write(clientModule, in.readAllBytes());
		}
		return clientModule;
	}

	private static int nodeMajorVersion() {
		try {
			Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
			String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			process.waitFor(10, TimeUnit.SECONDS);
			return Integer.parseInt(version.replaceFirst("^v(\\d+).*$", "$1"));
		}
		catch (IOException | NumberFormatException ex) {
			return 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 0;
		}
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
	private static List<String> expect(Run run, String word, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<String> found = new ArrayList<>();
		for (Clients clients : run.clients) {
			while (true) {
				long left = deadline - System.nanoTime();
				String line = (left > 0) ? clients.lines.poll(left, TimeUnit.NANOSECONDS) : null;
				assertThat(line).as("the clients' '%s' within %s (see %s)", word, timeout,
						LOGS.resolve(clients.name + ".log")).isNotNull();
				if (line.equals(word) || line.startsWith(word + " ")) {
					found.add(line);
					break;
				}
			}
		}
		return found;
	}

	private static void command(Run run, String command) throws IOException {
		for (Clients clients : run.clients) {
			clients.commands.write(command + "\n");
			clients.commands.flush();
		}
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(10, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
	}

	/**
	 * One run: the nodes (replaced as they restart), their arguments, the clients' output
	 * lines and commands, and what each sender produced.
	 */
	private record Run(String name, List<SampleNodeProcess> nodes, List<String> arguments, List<Clients> clients,
			List<String> produced) {

	}

	/**
	 * One process of clients: its output lines and its commands.
	 */
	private record Clients(String name, BlockingQueue<String> lines, Writer commands) {

	}

}

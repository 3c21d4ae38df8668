package io.socketbox.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Scenario 10, STOMP: one publisher {@code SEND}s 64-byte messages to
 * {@code /topic/bench}, 200 subscribers spread evenly over the nodes receive them, on
 * three systems side by side: SocketBox's clustered simple broker (2 nodes), Spring's
 * broker relay to RabbitMQ (2 nodes) and Spring's simple broker (1 node). Each system
 * runs a saturated round (the publisher at most {@link Scenarios#WINDOW} messages ahead
 * of a probe subscriber on the last node) and a round at a fixed 200 messages/s.
 */
final class StompScenario {

	static final int SUBSCRIBERS = 200;

	static final int BODY_SIZE = 64;

	static final double FIXED_RATE = 200;

	static final String DESTINATION = "/topic/bench";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration QUIET_BEFORE_GIVING_UP = Duration.ofSeconds(10);

	static final StompSystem SOCKETBOX = new StompSystem("SocketBox, 2 nodes", "socketbox", 2);

	static final StompSystem RELAY = new StompSystem("Spring relay to RabbitMQ, 2 nodes", "relay", 2);

	static final StompSystem SIMPLE = new StompSystem("Spring simple broker, 1 node", "simple", 1);

	/** The systems compared, in the order of the report's columns. */
	static final List<StompSystem> SYSTEMS = List.of(SOCKETBOX, RELAY, SIMPLE);

	private final Options options;

	private final int redisPort;

	private final Path logs;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final List<Node> running = new ArrayList<>();

	private int cluster;

	private int relayPort = -1;

	StompScenario(Options options, int redisPort, Path logs) {
		this.options = options;
		this.redisPort = redisPort;
		this.logs = logs;
	}

	/**
	 * Run both rounds on the three systems, {@code repeat} times each (the order of the
	 * systems rotating), and return the median figures of each system and round, keyed
	 * {@code saturated} and {@code fixed}; a system that could not run has no entry.
	 */
	StompResults run() throws Exception {
		StompResults results = new StompResults();
		RabbitMq[] started = new RabbitMq[1];
		// Interrupted with Ctrl-C, the run leaves no node and no RabbitMQ behind
		Thread cleanup = new Thread(() -> {
			stopAll();
			if (started[0] != null) {
				started[0].stop();
			}
		});
		Runtime.getRuntime().addShutdownHook(cleanup);
		RabbitMq rabbit = null;
		Path script = RabbitMq.script();
		if (!this.options.stompSystems().contains(RELAY.mode())) {
			Benchmark.log("Scenario 10 without Spring's relay (--stomp-systems)");
		}
		else if (script == null) {
			String note = "RabbitMQ is not installed (no rabbitmq-server): the relay column is skipped. "
					+ "Install it (apt-get install rabbitmq-server) to measure Spring's relay.";
			Benchmark.log("*** " + note);
			results.note(note);
		}
		else {
			Path directory = this.logs.getParent().resolve("rabbitmq-" + ProcessHandle.current().pid());
			Benchmark.log("Starting RabbitMQ with its STOMP plugin (" + script + ", files in " + directory + ")");
			try {
				rabbit = RabbitMq.start(script, directory);
				started[0] = rabbit;
				this.relayPort = rabbit.stompPort();
				Benchmark.log("RabbitMQ STOMP on 127.0.0.1:" + this.relayPort);
			}
			catch (IOException ex) {
				Benchmark.log("*** " + ex.getMessage() + ": the relay column is skipped");
				results.note("RabbitMQ did not start (" + ex.getMessage() + "): the relay column is skipped.");
			}
		}
		List<StompSystem> systems = new ArrayList<>(SYSTEMS);
		systems.removeIf((system) -> !this.options.stompSystems().contains(system.mode())
				|| (system == RELAY && this.relayPort <= 0));
		try {
			for (String round : List.of("saturated", "fixed")) {
				double rate = round.equals("saturated") ? 0 : FIXED_RATE;
				Map<StompSystem, List<Map<String, Double>>> runs = new LinkedHashMap<>();
				for (int repeat = 0; repeat < this.options.repeat(); repeat++) {
					for (int i = 0; i < systems.size(); i++) {
						StompSystem system = systems.get((i + repeat) % systems.size());
						Benchmark.log("Scenario 10 (" + round + "): " + system.name() + " (round " + (repeat + 1) + ")");
						Map<String, Double> figures;
						try {
							figures = broadcast(system, rate);
						}
						catch (Exception ex) {
							Benchmark.log("  failed: " + ex);
							results.note("Scenario 10 (" + round + ") failed for " + system.name() + ": " + ex);
							figures = Map.of();
						}
						finally {
							stopAll();
						}
						Benchmark.log("  " + figures);
						runs.computeIfAbsent(system, (s) -> new ArrayList<>()).add(figures);
					}
				}
				runs.forEach((system, list) -> results.put(system, round, Benchmark.median(list)));
			}
		}
		finally {
			stopAll();
			if (rabbit != null) {
				rabbit.stop();
			}
			Runtime.getRuntime().removeShutdownHook(cleanup);
		}
		return results;
	}

	private Map<String, Double> broadcast(StompSystem system, double rate) throws Exception {
		List<Node> nodes = start(system);
		List<StompClient> subscribers = new ArrayList<>();
		StompClient publisher = null;
		try {
			List<CompletableFuture<StompClient>> connecting = new ArrayList<>();
			for (int i = 0; i < SUBSCRIBERS; i++) {
				Node node = nodes.get(nodeOf(i, nodes.size()));
				connecting.add(StompClient.connect(this.http, node.port(), Duration.ofSeconds(60)));
			}
			for (CompletableFuture<StompClient> future : connecting) {
				subscribers.add(future.join());
			}
			publisher = StompClient.connect(this.http, nodes.get(0).port(), Duration.ofSeconds(60)).join();
			subscribers.forEach((subscriber) -> subscriber.subscribe(DESTINATION));
			warmUp(publisher, subscribers);
			return measure(publisher, subscribers, nodes.size(), rate);
		}
		finally {
			subscribers.forEach(StompClient::close);
			if (publisher != null) {
				publisher.close();
			}
		}
	}

	/**
	 * Publish messages numbered -1 until every subscriber has one: until then a
	 * subscription may not have reached its broker, or (SocketBox) the other node.
	 */
	private void warmUp(StompClient publisher, List<StompClient> subscribers) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (subscribers.stream().anyMatch((subscriber) -> subscriber.warmups() == 0)) {
			if (System.nanoTime() > deadline) {
				long missing = subscribers.stream().filter((subscriber) -> subscriber.warmups() == 0).count();
				throw new IllegalStateException(missing + " subscribers received nothing within 60 s");
			}
			publisher.publish(DESTINATION, StompFrames.body(-1, System.nanoTime(), BODY_SIZE));
			Thread.sleep(50);
		}
	}

	private Map<String, Double> measure(StompClient publisher, List<StompClient> subscribers, int nodes,
			double rate) throws Exception {
		StompClient probe = subscribers.get(subscribers.size() - 1);
		Semaphore window = new Semaphore(Scenarios.WINDOW);
		probe.onMessage((sequence) -> {
			if (sequence >= 0) {
				window.release();
			}
		});
		PacedSender sender = new PacedSender(rate, window, Duration.ofSeconds(5),
				(k, sendAt) -> publisher.publish(DESTINATION, StompFrames.body(k, sendAt, BODY_SIZE)))
			.start("stomp-publisher");
		Thread.sleep(this.options.warmup().toMillis());
		long before = received(subscribers);
		subscribers.forEach(StompClient::latencies);
		long startedAt = System.nanoTime();
		Thread.sleep(this.options.measure().toMillis());
		long deliveries = received(subscribers) - before;
		double seconds = (System.nanoTime() - startedAt) / 1e9;
		Histogram histogram = latencyHistogram();
		List<Histogram> byNode = new ArrayList<>();
		for (int node = 0; node < nodes; node++) {
			byNode.add(latencyHistogram());
		}
		for (int i = 0; i < subscribers.size(); i++) {
			Histogram latencies = subscribers.get(i).latencies();
			histogram.add(latencies);
			byNode.get(nodeOf(i, nodes)).add(latencies);
		}
		if (nodes > 1) {
			StringBuilder line = new StringBuilder("  latency p50 / p99 (ms) of the subscribers of node");
			for (int node = 0; node < nodes; node++) {
				line.append(String.format(Locale.ROOT, " %d: %.1f / %.1f;", node + 1,
						byNode.get(node).getValueAtPercentile(50) / 1e3, byNode.get(node).getValueAtPercentile(99) / 1e3));
			}
			Benchmark.log(line.toString());
		}
		sender.stop();
		publisher.flush(Duration.ofSeconds(60));
		long expected = sender.sent() * subscribers.size();
		drain(subscribers, expected);
		long distinct = subscribers.stream().mapToLong(StompClient::distinct).sum();
		Map<String, Double> figures = new LinkedHashMap<>();
		figures.put("deliveries", deliveries / seconds);
		figures.put("sent", sender.sent() / (seconds + this.options.warmup().toMillis() / 1e3));
		figures.put("p50", histogram.getValueAtPercentile(50) / 1e3);
		figures.put("p99", histogram.getValueAtPercentile(99) / 1e3);
		figures.put("max", histogram.getMaxValue() / 1e3);
		figures.put("lost", (double) (expected - distinct));
		figures.put("duplicates", (double) subscribers.stream().mapToLong(StompClient::duplicates).sum());
		figures.put("closed", (double) subscribers.stream().filter(StompClient::isClosed).count());
		figures.put("errors", (double) subscribers.stream().mapToLong(StompClient::errors).sum());
		figures.put("stalls", (double) sender.stalls());
		subscribers.stream()
			.filter(StompClient::isClosed)
			.findFirst()
			.ifPresent((closed) -> Benchmark.log("  a subscriber was closed: " + closed.closeReason()));
		return figures;
	}

	/**
	 * Return the index of the node that subscriber {@code i} connects to: the subscribers
	 * spread evenly over the nodes, in order.
	 */
	static int nodeOf(int i, int nodes) {
		return i * nodes / SUBSCRIBERS;
	}

	private static Histogram latencyHistogram() {
		return new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
	}

	private static long received(List<StompClient> subscribers) {
		return subscribers.stream().mapToLong(StompClient::received).sum();
	}

	/**
	 * Wait until every message sent reached every subscriber, or nothing more arrived
	 * for {@link #QUIET_BEFORE_GIVING_UP}.
	 */
	private static void drain(List<StompClient> subscribers, long expected) throws InterruptedException {
		long last = -1;
		long lastChange = System.nanoTime();
		while (true) {
			long distinct = subscribers.stream().mapToLong(StompClient::distinct).sum();
			if (distinct >= expected) {
				return;
			}
			if (distinct != last) {
				last = distinct;
				lastChange = System.nanoTime();
			}
			else if (System.nanoTime() - lastChange > QUIET_BEFORE_GIVING_UP.toNanos()) {
				return;
			}
			Thread.sleep(50);
		}
	}

	private List<Node> start(StompSystem system) throws IOException, InterruptedException {
		this.cluster++;
		List<Node> nodes = new ArrayList<>();
		for (int i = 0; i < system.nodes(); i++) {
			int port = Target.freePort();
			Path log = this.logs.resolve("stomp-" + system.mode() + "-" + this.cluster + "-" + port + ".log");
			Node node = Node.start(command(system, port), Path.of("."), log, port);
			synchronized (this.running) {
				this.running.add(node);
			}
			nodes.add(node);
		}
		String ready = switch (system.mode()) {
			case "socketbox" -> "links " + (system.nodes() - 1);
			case "relay" -> "broker";
			default -> "single";
		};
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		for (Node node : nodes) {
			String answer;
			while (!ready.equals(answer = ready(node))) {
				if (!node.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(system.name() + ": " + node + " not ready, GET /ready answers "
							+ answer + " (see " + this.logs + ")");
				}
				Thread.sleep(100);
			}
		}
		return nodes;
	}

	private String ready(Node node) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ready"))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString()).body();
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	List<String> command(StompSystem system, int port) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.options.nodeJvmArguments());
		command.addAll(List.of("-cp", System.getProperty("java.class.path"),
				"io.socketbox.benchmarks.stompserver.StompServer", "--server.port=" + port,
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--bench.stomp.mode=" + system.mode()));
		if (system.mode().equals("socketbox")) {
			command.addAll(List.of("--socketbox.cluster.enabled=true", "--socketbox.cluster.host=127.0.0.1",
					"--socketbox.cluster.secret-key=benchmark-only-secret-0123456789abcdef",
					"--socketbox.cluster.cache-prefix=stomp-bench-" + ProcessHandle.current().pid() + "-"
							+ this.cluster + ":",
					"--socketbox.cache.type=redis", "--spring.data.redis.host=127.0.0.1",
					"--spring.data.redis.port=" + this.redisPort));
		}
		else {
			command.add("--spring.autoconfigure.exclude=io.socketbox.spring.autoconfigure.SocketBoxAutoConfiguration,"
					+ "io.socketbox.spring.autoconfigure.SocketBoxStompAutoConfiguration");
			if (system.mode().equals("relay")) {
				command.add("--bench.stomp.relay-port=" + this.relayPort);
			}
		}
		return command;
	}

	private void stopAll() {
		List<Node> nodes;
		synchronized (this.running) {
			nodes = new ArrayList<>(this.running);
			this.running.clear();
		}
		nodes.parallelStream().forEach(Node::stop);
	}

	/**
	 * One system under test.
	 *
	 * @param name its name in the report
	 * @param mode the server's {@code bench.stomp.mode}
	 * @param nodes how many nodes it runs
	 */
	record StompSystem(String name, String mode, int nodes) {

	}

}

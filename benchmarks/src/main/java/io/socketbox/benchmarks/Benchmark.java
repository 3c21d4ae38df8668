package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import io.socketbox.benchmarks.Report.Unit;
import redis.embedded.RedisServer;

/**
 * Runs the scenarios of the benchmark against the SocketBox sample cluster (A) and
 * Socket.IO 4 with its Redis adapter (B), alternating A and B, and prints a Markdown
 * table; scenario 10 compares three STOMP systems instead ({@link StompScenario}). See
 * {@link Options#USAGE}.
 */
public final class Benchmark {

	private static final int CLIENTS = 200;

	private static final double FIXED_RATE = 200;

	private static final int DIRECT_PAIRS = 100;

	private static final double DIRECT_RATE = 10_000;

	/** SocketBox's default {@code socketbox.send-time-limit} (SocketBoxProperties). */
	private static final Duration SOCKETBOX_SEND_TIME_LIMIT = Duration.ofSeconds(10);

	private final Options options;

	private final Scenarios scenarios;

	private final Report report = new Report();

	private final Map<String, Map<String, Double>> results = new HashMap<>();

	private String stompMarkdown = "";

	private Target a;

	private Target b;

	/** The sample with its idle-connection tuning, for scenario 5 only. */
	private Target aTuned;

	private Benchmark(Options options) {
		this.options = options;
		this.scenarios = new Scenarios(options);
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		new Benchmark(options).run();
	}

	private void run() throws Exception {
		boolean onlyStomp = this.options.scenarios().equals(List.of(10));
		if (this.options.needsSample()) {
			check(Files.isRegularFile(this.options.sampleJar()), "No sample jar at " + this.options.sampleJar()
					+ ": build it with ./mvnw -q -pl sample-app -am -DskipTests package");
		}
		if (!onlyStomp) {
			npmInstall(this.options.socketIoDirectory());
		}
		Path logs = this.options.output().getParent().resolve("bench-logs");
		int redisPort = Target.freePort();
		RedisServer redis = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(redisPort)
			.setting("save \"\"")
			.setting("appendonly no")
			.soutListener((line) -> {
			})
			.serrListener((line) -> {
			})
			.build();
		redis.start();
		if (this.options.cds() && this.options.needsSample()) {
			// Prepared here, once, so that no scenario's start figure includes the training run
			CdsArchive.useDirectory(this.options.output().getParent().resolve("cds"),
					SocketBoxTarget.cacheArguments(redisPort, "cds-training"));
			CdsArchive.launch(this.options.sampleJar());
		}
		SocketBoxTarget socketBox = new SocketBoxTarget(this.options.sampleJar(), redisPort,
				this.options.nodeJvmArguments(), logs);
		this.a = socketBox;
		this.aTuned = socketBox.withIdleConnectionTuning();
		this.b = new SocketIoTarget(this.options.socketIoDirectory(), redisPort, logs);
		Thread cleanup = new Thread(() -> {
			this.a.stopAll();
			this.aTuned.stopAll();
			this.b.stopAll();
			stopQuietly(redis);
		});
		Runtime.getRuntime().addShutdownHook(cleanup);
		log("Node logs in " + logs + "; Redis on port " + redisPort);
		try {
			for (int scenario : this.options.scenarios()) {
				switch (scenario) {
					case 1 -> saturatedBroadcast();
					case 2 -> fixedBroadcast();
					case 3 -> clusterOverhead();
					case 4 -> directSends();
					case 5 -> memory();
					case 6 -> joinAndFailover();
					case 7 -> growth();
					case 8 -> stuckBrowser();
					case 9 -> clusterView();
					case 10 -> stomp(redisPort, logs);
					case 11 -> rollingRestart(redisPort, logs);
					default -> throw new IllegalStateException("No scenario " + scenario);
				}
			}
		}
		finally {
			this.a.stopAll();
			this.aTuned.stopAll();
			this.b.stopAll();
		}
		String markdown = header() + (onlyStomp ? "" : this.report.toMarkdown()) + this.stompMarkdown;
		Files.createDirectories(this.options.output().getParent());
		Files.writeString(this.options.output(), markdown);
		System.out.println();
		System.out.println(markdown);
		log("Written to " + this.options.output());
		Runtime.getRuntime().removeShutdownHook(cleanup);
		stopQuietly(redis);
		System.exit(0);
	}

	private void saturatedBroadcast() throws Exception {
		Pair r = both("1", (t) -> this.scenarios.broadcast(t, 2, CLIENTS, 0));
		this.results.put("1", r.a());
		this.results.put("1b", r.b());
		String s = "1 saturated broadcast, 2 nodes";
		row(s, "deliveries", "deliveries/s", Unit.PER_SECOND, r, "A >= 2 x B",
				(x) -> x.a("deliveries") >= 2 * x.b("deliveries"));
		row(s, "sent", "messages/s sent", Unit.PER_SECOND, r, "", null);
		row(s, "loss", "loss", Unit.PERCENT, r, "", null);
		row(s, "p50", "latency p50 (saturated)", Unit.MILLIS, r, "", null);
		row(s, "p99", "latency p99 (saturated)", Unit.MILLIS, r, "", null);
	}

	private void fixedBroadcast() throws Exception {
		Pair r = both("2", (t) -> this.scenarios.broadcast(t, 2, CLIENTS, FIXED_RATE));
		String s = "2 broadcast 200 msg/s, 2 nodes";
		row(s, "p50", "latency p50", Unit.MILLIS, r, "", null);
		row(s, "p99", "latency p99", Unit.MILLIS, r, "A < B and <= 5 ms",
				(x) -> x.a("p99") < x.b("p99") && x.a("p99") <= 5);
		row(s, "max", "latency max", Unit.MILLIS, r, "", null);
		row(s, "deliveries", "deliveries/s", Unit.PER_SECOND, r, "", null);
		row(s, "loss", "loss", Unit.PERCENT, r, "", null);
	}

	private void clusterOverhead() throws Exception {
		Pair one = both("3 (1 node)", (t) -> this.scenarios.broadcast(t, 1, CLIENTS, 0));
		Pair two;
		if (this.results.containsKey("1")) {
			two = new Pair(this.results.get("1"), this.results.get("1b"));
		}
		else {
			two = both("3 (2 nodes)", (t) -> this.scenarios.broadcast(t, 2, CLIENTS, 0));
		}
		String s = "3 cluster overhead (saturated)";
		row(s, "deliveries", "1 node: deliveries/s", Unit.PER_SECOND, one, "", null);
		row(s, "loss", "1 node: loss", Unit.PERCENT, one, "", null);
		row(s, "deliveries", "2 nodes: deliveries/s", Unit.PER_SECOND, two, "", null);
		Map<String, Double> ratioA = Map.of("ratio", 100 * two.a("deliveries") / one.a("deliveries"));
		Map<String, Double> ratioB = Map.of("ratio", 100 * two.b("deliveries") / one.b("deliveries"));
		row(s, "ratio", "2 nodes / 1 node", Unit.PERCENT, new Pair(ratioA, ratioB), "A >= 85 %",
				(x) -> x.a("ratio") >= 85);
	}

	private void directSends() throws Exception {
		Pair r = both("4", (t) -> this.scenarios.direct(t, DIRECT_PAIRS, DIRECT_RATE));
		String s = "4 direct sends, 100 pairs, 10,000 msg/s";
		row(s, "p50", "latency p50", Unit.MILLIS, r, "", null);
		row(s, "p99", "latency p99", Unit.MILLIS, r, "A < 5 ms", (x) -> x.a("p99") < 5);
		row(s, "max", "latency max", Unit.MILLIS, r, "", null);
		row(s, "deliveries", "deliveries/s", Unit.PER_SECOND, r, "", null);
		row(s, "loss", "loss", Unit.PERCENT, r, "", null);
	}

	/**
	 * Scenario 5 with the sample as shipped (the starter's defaults), on which the target
	 * is judged, and again with its idle-connection tuning (which changes Tomcat's buffers
	 * only), each against the same Socket.IO figures.
	 */
	private void memory() throws Exception {
		int count = this.options.idleConnections();
		Pair r = both("5", (t) -> this.scenarios.memory(t, count));
		Pair tuned = new Pair(alone("5 (idle-connection tuning)", this.aTuned, (t) -> this.scenarios.memory(t, count)),
				r.b());
		String s = "5 memory, " + String.format(Locale.ROOT, "%,d", count) + " idle connections";
		String withTuning = ", sample's idle-connection tuning";
		// The target is for the starter's own defaults, on whichever container runs
		String asShipped = ", starter's defaults";
		row(s, "heapPerConnection", "heap per connection" + asShipped, Unit.KILOBYTES, r, "A <= 20 KB",
				(x) -> x.a("heapPerConnection") <= 20);
		row(s, "heapPerConnection", "heap per connection" + withTuning, Unit.KILOBYTES, tuned, "", null);
		row(s, "rssPerConnection", "resident per connection" + withTuning, Unit.KILOBYTES, tuned, "", null);
		row(s, "rssPerConnection", "resident per connection" + asShipped, Unit.KILOBYTES, r, "", null);
		row(s, "heapIdle", "heap with no connection" + asShipped, Unit.MEGABYTES, r, "", null);
		row(s, "rssIdle", "resident with no connection" + asShipped, Unit.MEGABYTES, r, "", null);
	}

	private void joinAndFailover() throws Exception {
		Pair r = both("6", this.scenarios::joinAndFailover);
		String s = "6 join and failover";
		row(s, "startup", "start to accepting connections", Unit.SECONDS, r, "", null);
		row(s, "join", "accepting to first cross-node delivery", Unit.SECONDS, r, "A <= 1 s",
				(x) -> x.a("join") <= 1);
		row(s, "unreachable", "SIGKILL to peer unreachable", Unit.SECONDS, r, "A <= 3 s",
				(x) -> x.a("unreachable") <= 3);
		row(s, "removed", "SIGKILL to member removed", Unit.SECONDS, r, "", null);
	}

	/**
	 * Scenario 7, growth: saturated deliveries/s (as scenario 1) and latency at a fixed
	 * rate (as scenario 2) against the number of nodes (200 receivers, 200 msg/s) and
	 * against the number of receivers on 2 nodes (the fixed rate scaled to keep 40,000
	 * deliveries/s), with a chart of each.
	 */
	private void growth() throws Exception {
		Map<Integer, Pair> fixedByNodes = new LinkedHashMap<>();
		Map<Integer, Pair> saturatedByNodes = new LinkedHashMap<>();
		for (int nodes : this.options.growthSizes()) {
			Pair fixed = both("7 (" + nodes + " nodes, 200 msg/s)",
					(t) -> this.scenarios.growth(t, nodes, CLIENTS, FIXED_RATE));
			Pair saturated = both("7 (" + nodes + " nodes, saturated)",
					(t) -> this.scenarios.growth(t, nodes, CLIENTS, 0));
			fixedByNodes.put(nodes, fixed);
			saturatedByNodes.put(nodes, saturated);
			String s = "7 growth, " + nodes + " nodes, 200 receivers";
			row(s, "p50", "latency p50 at 200 msg/s", Unit.MILLIS, fixed, "", null);
			row(s, "p99", "latency p99 at 200 msg/s", Unit.MILLIS, fixed, "", null);
			row(s, "max", "latency max at 200 msg/s", Unit.MILLIS, fixed, "", null);
			row(s, "deliveries", "deliveries/s at 200 msg/s", Unit.PER_SECOND, fixed, "", null);
			row(s, "deliveries", "deliveries/s saturated", Unit.PER_SECOND, saturated, "", null);
		}
		Map<Integer, Pair> fixedByReceivers = new LinkedHashMap<>();
		Map<Integer, Pair> saturatedByReceivers = new LinkedHashMap<>();
		for (int receivers : this.options.growthReceivers()) {
			if (receivers == CLIENTS && fixedByNodes.containsKey(2)) {
				fixedByReceivers.put(receivers, fixedByNodes.get(2));
				saturatedByReceivers.put(receivers, saturatedByNodes.get(2));
				continue;
			}
			double rate = FIXED_RATE * CLIENTS / receivers;
			String count = String.format(Locale.ROOT, "%,d", receivers);
			String fixedRate = " at " + rate(rate) + " msg/s";
			Pair fixed = both("7 (" + count + " receivers," + fixedRate + ")",
					(t) -> this.scenarios.growth(t, 2, receivers, rate));
			Pair saturated = both("7 (" + count + " receivers, saturated)",
					(t) -> this.scenarios.growth(t, 2, receivers, 0));
			fixedByReceivers.put(receivers, fixed);
			saturatedByReceivers.put(receivers, saturated);
			String s = "7 growth, 2 nodes, " + count + " receivers";
			row(s, "p50", "latency p50" + fixedRate, Unit.MILLIS, fixed, "", null);
			row(s, "p99", "latency p99" + fixedRate, Unit.MILLIS, fixed, "", null);
			row(s, "deliveries", "deliveries/s" + fixedRate, Unit.PER_SECOND, fixed, "", null);
			row(s, "deliveries", "deliveries/s saturated", Unit.PER_SECOND, saturated, "", null);
		}
		String subtitle = chartSubtitle();
		writeChart("nodes", new SvgChart(760, 360, "Growth against nodes: 200 receivers, one sender", subtitle)
			.lines(20, "Saturated deliveries/s (higher is better)", "nodes", "deliveries/s",
					keys(saturatedByNodes), series(saturatedByNodes, "deliveries"), "%,.0f")
			.lines(400, "Latency p99 at 200 msg/s, ms (lower is better)", "nodes", "p99 (ms)", keys(fixedByNodes),
					series(fixedByNodes, "p99"), "%.1f"));
		writeChart("receivers", new SvgChart(760, 360, "Growth against receivers: 2 nodes, one sender", subtitle)
			.lines(20, "Saturated deliveries/s (higher is better)", "receivers", "deliveries/s",
					keys(saturatedByReceivers), series(saturatedByReceivers, "deliveries"), "%,.0f")
			.lines(400, "Latency p99 at 40,000 deliveries/s, ms (lower is better)", "receivers", "p99 (ms)",
					keys(fixedByReceivers), series(fixedByReceivers, "p99"), "%.1f"));
	}

	private static String rate(double rate) {
		return (rate == Math.rint(rate)) ? String.format(Locale.ROOT, "%,.0f", rate)
				: String.format(Locale.ROOT, "%.2f", rate);
	}

	private void writeChart(String name, SvgChart chart) throws IOException {
		Path file = this.options.growthChart(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, chart.toString());
		log("Growth chart written to " + file);
	}

	private static double[] keys(Map<Integer, Pair> pairs) {
		return pairs.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
	}

	private List<SvgChart.Series> series(Map<Integer, Pair> pairs, String key) {
		return List.of(new SvgChart.Series(this.a.name(), pairs.values().stream().mapToDouble((p) -> p.a(key)).toArray()),
				new SvgChart.Series(this.b.name() + " + Redis adapter",
						pairs.values().stream().mapToDouble((p) -> p.b(key)).toArray()));
	}

	private String chartSubtitle() {
		return String.format(Locale.ROOT, "%s, %s mode, %d round(s), %d cores", Instant.now().toString().substring(0, 10),
				this.options.quick() ? "quick" : "full", this.options.repeat(),
				Runtime.getRuntime().availableProcessors());
	}

	/**
	 * Scenario 8: scenario 2's load (200 receivers, all on node 1; the sender on node 2)
	 * with one browser on node 1 that stops reading; the same load without it is
	 * measured first on the same nodes.
	 */
	private void stuckBrowser() throws Exception {
		Duration limit = this.options.stuckCutLimit();
		Pair r = both("8", (t) -> this.scenarios.stuckBrowser(t, CLIENTS, FIXED_RATE, limit));
		String s = "8 one stuck browser + 200 receivers on node 1, 200 msg/s from node 2";
		row(s, "p50", "normal receivers' p50 with the stuck one", Unit.MILLIS, r, "", null);
		row(s, "p99", "normal receivers' p99 with the stuck one", Unit.MILLIS, r, "", null);
		row(s, "baselineP99", "p99 without it (same nodes, just before)", Unit.MILLIS, r, "", null);
		row(s, "ratioP99", "p99 with / without", Unit.RATIO, r, "A <= 1.5", (x) -> x.a("ratioP99") <= 1.5);
		row(s, "max", "latency max with the stuck one", Unit.MILLIS, r, "", null);
		row(s, "loss", "loss (normal receivers)", Unit.PERCENT, r, "", null);
		double sendTimeLimit = SOCKETBOX_SEND_TIME_LIMIT.toSeconds();
		Double cutA = r.a().get("cut");
		this.report.row(s, "last read to connection cut (TCP)", cut(r.a(), limit), cut(r.b(), limit),
				String.format(Locale.ROOT, "A <= %.0f s (send-time-limit) + 1 s", sendTimeLimit),
				(cutA != null) ? (!cutA.isNaN() && cutA <= sendTimeLimit + 1) : null);
		row(s, "kernelQueued", "largest kernel send queue toward it", Unit.KILOBYTES, r, "", null);
		row(s, "queueStopped", "last read to that queue's last growth (kernel full, or server stopped writing)",
				Unit.SECONDS, r, "", null);
		// Judged only when the queue stopped growing before the cut: read liveness usually cuts first
		Double afterStop = (r.a() != null) ? r.a().get("cutAfterQueueStopped") : null;
		boolean stopped = afterStop != null && !afterStop.isNaN();
		row(s, "cutAfterQueueStopped", "queue's last growth to cut", Unit.SECONDS, r,
				stopped ? String.format(Locale.ROOT, "A <= %.0f s (send-time-limit) + 2 s", sendTimeLimit) : "",
				stopped ? (x) -> x.a("cutAfterQueueStopped") <= sendTimeLimit + 2 : null);
		row(s, "heapBefore", "heap of its node before it came", Unit.MEGABYTES, r, "", null);
		row(s, "heapAfter", "heap of its node at the end", Unit.MEGABYTES, r, "", null);
	}

	private static String cut(Map<String, Double> figures, Duration limit) {
		Double cut = figures.get("cut");
		if (cut == null) {
			return "n/a";
		}
		return Double.isNaN(cut) ? "never within " + limit.toSeconds() + " s"
				: String.format(Locale.ROOT, "%.2f s", cut);
	}

	/**
	 * Scenario 9, SocketBox only: Socket.IO has no connection directory to compare with.
	 */
	private void clusterView() {
		int count = this.options.clusterViewConnections();
		Map<String, Double> join = alone("9 (join)", this.a, (t) -> this.scenarios.clusterView(t, count));
		Map<String, Double> rpc = alone("9 (RPC)", this.a, this.scenarios::clusterRpc);
		Pair r = new Pair(join, Map.of());
		String s = "9 cluster view, node with " + String.format(Locale.ROOT, "%,d", count) + " connections joins 3";
		row(s, "dropped", "SIGSTOP to its connections dropped by all 3", Unit.SECONDS, r, "", null);
		row(s, "firstLink", "SIGCONT to first new peer link", Unit.SECONDS, r, "", null);
		row(s, "convergedFirst", "SIGCONT to first node listing all", Unit.SECONDS, r, "", null);
		row(s, "converged", "SIGCONT to all 3 listing all (convergence)", Unit.SECONDS, r, "", null);
		row(s, "linkToConverged", "first new link to convergence", Unit.SECONDS, r, "", null);
		row(s, "bytes", "peer-link bytes, SIGCONT to convergence", Unit.KILOBYTES, r, "", null);
		row(s, "bytesPerEntry", "  per entry per receiving node", Unit.BYTES, r, "", null);
		row(s, "baselineBytesPerSecond", "peer-link bytes with nothing changing (4 nodes)", Unit.BYTES_PER_SECOND,
				r, "", null);
		row(s, "heapPerEntry", "heap per remote directory entry, from the snapshot (median of 3 nodes)", Unit.BYTES,
				r, "", null);
		row(s, "heapPerEntryIncremental", "heap per remote directory entry, one change at a time (median of 3)",
				Unit.BYTES, r, "", null);
		row(s, "poll", "one GET /api/connections listing all", Unit.MILLIS, r, "", null);
		Pair p = new Pair(rpc, Map.of());
		String t = "9 cluster RPC, 3 nodes, one call at a time";
		row(t, "httpP50", "GET /api/cluster (no RPC) p50", Unit.MILLIS, p, "", null);
		row(t, "httpP99", "GET /api/cluster (no RPC) p99", Unit.MILLIS, p, "", null);
		row(t, "oneP50", "GET /api/nodes/{id}, one other node, p50", Unit.MILLIS, p, "", null);
		row(t, "oneP99", "GET /api/nodes/{id}, one other node, p99", Unit.MILLIS, p, "", null);
		row(t, "allP50", "GET /api/nodes, all 3 nodes, p50", Unit.MILLIS, p, "", null);
		row(t, "allP99", "GET /api/nodes, all 3 nodes, p99", Unit.MILLIS, p, "", null);
		row(t, "oneFailed", "GET /api/nodes/{id} answers not OK", Unit.COUNT, p, "", null);
		row(t, "allFailed", "GET /api/nodes answers without 3 OK", Unit.COUNT, p, "", null);
	}

	/**
	 * Scenario 10, STOMP, on three systems: its own table and chart, since the report's
	 * table has two columns.
	 */
	private void stomp(int redisPort, Path logs) throws Exception {
		StompResults results = new StompScenario(this.options, redisPort, logs).run();
		this.stompMarkdown = "\n" + results.toMarkdown();
		Path chart = this.options.stompChart();
		Files.createDirectories(chart.getParent());
		Files.writeString(chart, results.toSvg(chartSubtitle()));
		log("STOMP chart written to " + chart);
	}

	/**
	 * Scenario 11, the rolling restart (issue 15): SocketBox's sample with its stream,
	 * and Socket.IO with the Redis Streams adapter and connection state recovery, in
	 * alternating order (see "Rolling restart (issue 15)" in docs/benchmarks.md).
	 */
	private void rollingRestart(int redisPort, Path logs) {
		RollingRestart.Settings settings = this.options.rollingRestart();
		Path nginxTemplate = this.options.socketIoDirectory().resolve("../../sample-app/nginx/nginx.conf").normalize();
		RollingRestart rolling = new RollingRestart(settings, this.options.socketIoDirectory(), nginxTemplate, logs);
		RollingRestart.SocketBox socketBox = new RollingRestart.SocketBox(this.options.sampleJar(), redisPort,
				this.options.nodeJvmArguments());
		RollingRestart.SocketIo socketIo = new RollingRestart.SocketIo(this.options.socketIoDirectory(), redisPort);
		List<Map<String, Double>> roundsA = new ArrayList<>();
		List<Map<String, Double>> rounds = new ArrayList<>();
		for (int round = 0; round < this.options.repeat(); round++) {
			for (Target target : (round % 2 == 0) ? List.of(this.a, this.b) : List.of(this.b, this.a)) {
				if (target == this.a) {
					roundsA.add(once("11", this.a, round, (t) -> rolling.run(socketBox)));
				}
				else {
					rounds.add(once("11", this.b, round, (t) -> rolling.run(socketIo)));
				}
			}
		}
		// Losses are rare events: the median of a few rounds hides them, the worst round shows them
		Map<String, Double> a = median(roundsA);
		Map<String, Double> b = median(rounds);
		Map<String, Double> worstA = worst(roundsA);
		Map<String, Double> worst = worst(rounds);
		String ofRounds = (rounds.size() > 1) ? ", median of " + rounds.size() + " rounds" : "";
		String s = String.format(Locale.ROOT,
				"11 rolling restart of 3 nodes behind nginx, %d clients, %s broadcasts/s, %s direct msg/s to %d of them",
				settings.clients(), rate(settings.broadcastRate()), rate(settings.directRate()),
				settings.directClients());
		rolling(s, "expected", "messages expected (all clients)" + ofRounds, a, b);
		rolling(s, "lost", "lost" + ofRounds, a, b);
		rolling(s, "clientsWithLoss", "clients that lost any" + ofRounds, a, b);
		rolling(s, "duplicated", "duplicated" + ofRounds, a, b);
		rolling(s, "outOfOrder", "out of order (per sender)" + ofRounds, a, b);
		rolling(s, "reconnects", "reconnects" + ofRounds, a, b);
		rolling(s, "notRecovered", "reconnects without recovery (new session)" + ofRounds, a, b);
		rolling(s, "gaps", "gaps announced to the client" + ofRounds, a, b);
		this.report.row(s, "longest gap (max over clients)" + ofRounds, millis(a.get("longestGapMs")),
				millis(b.get("longestGapMs")), "", null);
		this.report.row(s, "longest gap (median over clients)" + ofRounds, millis(a.get("medianLongestGapMs")),
				millis(b.get("medianLongestGapMs")), "", null);
		if (rounds.size() > 1) {
			String ofWorst = ", worst of " + rounds.size() + " rounds";
			rolling(s, "lost", "lost" + ofWorst, worstA, worst);
			rolling(s, "duplicated", "duplicated" + ofWorst, worstA, worst);
			rolling(s, "outOfOrder", "out of order (per sender)" + ofWorst, worstA, worst);
			rolling(s, "notRecovered", "reconnects without recovery" + ofWorst, worstA, worst);
			this.report.row(s, "longest gap (max over clients)" + ofWorst, millis(worstA.get("longestGapMs")),
					millis(worst.get("longestGapMs")), "", null);
		}
		this.report.row(s, "slowest node stop (SIGTERM to exit)",
				Unit.SECONDS.format(a.getOrDefault("nodeStopMax", Double.NaN)),
				Unit.SECONDS.format(b.getOrDefault("nodeStopMax", Double.NaN)), "", null);
		this.report.row(s, "slowest node start (to ready)",
				Unit.SECONDS.format(a.getOrDefault("nodeReadyMax", Double.NaN)),
				Unit.SECONDS.format(b.getOrDefault("nodeReadyMax", Double.NaN)), "", null);
	}

	private static Map<String, Double> worst(List<Map<String, Double>> rounds) {
		Map<String, Double> worst = new LinkedHashMap<>();
		rounds.forEach((figures) -> figures.forEach((key, value) -> worst.merge(key, value, Math::max)));
		return worst;
	}

	private void rolling(String scenario, String key, String metric, Map<String, Double> a, Map<String, Double> b) {
		this.report.row(scenario, metric, Unit.COUNT.format(a.getOrDefault(key, Double.NaN)),
				Unit.COUNT.format(b.getOrDefault(key, Double.NaN)), "", null);
	}

	private static String millis(Double value) {
		return (value != null) ? String.format(Locale.ROOT, "%,.0f ms", value) : "n/a";
	}

	private void row(String scenario, String key, String metric, Unit unit, Pair pair, String target,
			Predicate<Pair> met) {
		Boolean verdict = (met != null) ? met.test(pair) : null;
		this.report.row(scenario, metric, unit, pair.a(key), pair.b(key), target, verdict);
	}

	/**
	 * Run a scenario against both systems, {@code repeat} times each, A first on even
	 * rounds and B first on odd ones, and keep the median of every figure.
	 */
	private Pair both(String name, Run run) {
		List<Map<String, Double>> ofA = new ArrayList<>();
		List<Map<String, Double>> ofB = new ArrayList<>();
		for (int round = 0; round < this.options.repeat(); round++) {
			Target[] order = (round % 2 == 0) ? new Target[] { this.a, this.b } : new Target[] { this.b, this.a };
			for (Target target : order) {
				((target == this.a) ? ofA : ofB).add(once(name, target, round, run));
			}
		}
		return new Pair(median(ofA), median(ofB));
	}

	/**
	 * Run a scenario against one system {@code repeat} times and keep the median of every
	 * figure.
	 */
	private Map<String, Double> alone(String name, Target target, Run run) {
		List<Map<String, Double>> runs = new ArrayList<>();
		for (int round = 0; round < this.options.repeat(); round++) {
			runs.add(once(name, target, round, run));
		}
		return median(runs);
	}

	private Map<String, Double> once(String name, Target target, int round, Run run) {
		log("Scenario " + name + ": " + target + " (round " + (round + 1) + ")");
		Map<String, Double> figures;
		try {
			figures = run.run(target);
		}
		catch (Exception ex) {
			log("  failed: " + ex);
			this.report.note("Scenario " + name + " failed for " + target + ": " + ex.getMessage());
			figures = Map.of();
		}
		log("  " + figures);
		return figures;
	}

	static Map<String, Double> median(List<Map<String, Double>> runs) {
		Map<String, List<Double>> values = new LinkedHashMap<>();
		runs.forEach((figures) -> figures.forEach((key, value) -> values.computeIfAbsent(key, (k) -> new ArrayList<>())
			.add(value)));
		Map<String, Double> median = new LinkedHashMap<>();
		values.forEach((key, list) -> {
			list.sort(Double::compare);
			int n = list.size();
			median.put(key, (n % 2 == 1) ? list.get(n / 2) : (list.get(n / 2 - 1) + list.get(n / 2)) / 2);
		});
		return median;
	}

	private String header() {
		return String.format(Locale.ROOT,
				"Run %s, %s mode, %d round(s), warm-up %d s; %d cores, Java %s, %s %s; SocketBox on %s (%s%s), node JVM args: %s%n%n",
				Instant.now(), this.options.quick() ? "quick" : "full", this.options.repeat(),
				this.options.warmup().toSeconds(),
				Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
				System.getProperty("os.name"), System.getProperty("os.arch"), this.options.container().displayName(),
				this.options.sampleJar().getFileName(),
				CdsArchive.isUsed(this.options.sampleJar()) ? ", extracted, with a CDS archive" : ", java -jar",
				String.join(" ", this.options.nodeJvmArguments()));
	}

	private static void npmInstall(Path directory) throws IOException, InterruptedException {
		Path installed = directory.resolve("node_modules/.package-lock.json");
		Path lock = directory.resolve("package-lock.json");
		if (Files.isRegularFile(installed)
				&& Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
			return;
		}
		log("npm ci in " + directory);
		Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(directory.toFile())
			.inheritIO()
			.start();
		check(npm.waitFor() == 0, "npm ci failed in " + directory);
	}

	private static void stopQuietly(RedisServer redis) {
		try {
			redis.stop();
		}
		catch (IOException | RuntimeException ex) {
			// Stopping anyway
		}
	}

	private static void check(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	static void log(String message) {
		System.err.println("[" + Instant.now() + "] " + message);
	}

	/**
	 * One scenario against one system.
	 */
	@FunctionalInterface
	private interface Run {

		Map<String, Double> run(Target target) throws Exception;

	}

	/**
	 * The figures of A and B.
	 */
	private record Pair(Map<String, Double> a, Map<String, Double> b) {

		double a(String key) {
			return this.a.getOrDefault(key, Double.NaN);
		}

		double b(String key) {
			return this.b.getOrDefault(key, Double.NaN);
		}

	}

}

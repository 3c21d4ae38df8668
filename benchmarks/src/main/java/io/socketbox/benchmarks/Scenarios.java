package io.socketbox.benchmarks;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

/**
 * The measurements, each against one system. Every run starts its own nodes and stops
 * them at the end, and returns named figures: rates per second, latencies in
 * milliseconds, sizes in kilobytes, times in seconds.
 */
final class Scenarios {

	/** Broadcasts a saturating sender may have ahead of the slowest receiver. */
	static final int WINDOW = 1000;

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

	private static final int CONNECT_CONCURRENCY = 100;

	private final Options options;

	Scenarios(Options options) {
		this.options = options;
	}

	/**
	 * One sender on node 1 broadcasts to {@code clients} connections spread evenly over
	 * {@code nodeCount} nodes: at {@code rate} messages per second, or as fast as the
	 * system takes them when {@code rate} is 0 (at most {@link #WINDOW} messages ahead
	 * of the slowest receiver, so that neither system queues without bound nor is judged
	 * on receivers it left behind).
	 */
	Map<String, Double> broadcast(Target target, int nodeCount, int clients, double rate) throws Exception {
		return broadcast(target, nodeCount, clients, rate, WINDOW, this.options.warmup(), this.options.measure(), 1);
	}

	/**
	 * {@link #broadcast(Target, int, int, double)} for scenario 7's growth: the window
	 * scaled to keep {@code WINDOW x 200} deliveries in flight (at least 10 messages),
	 * its own warm-up and measuring times, and latencies recorded on every
	 * {@code clients / 200}-th receiver (the clients' latency recorders take about
	 * 280 KB each: 10,000 of them would not fit this JVM's heap).
	 */
	Map<String, Double> growth(Target target, int nodeCount, int clients, double rate) throws Exception {
		int window = Math.max(10, (int) ((long) WINDOW * 200 / clients));
		return broadcast(target, nodeCount, clients, rate, window, this.options.growthWarmup(),
				this.options.growthMeasure(), Math.max(1, clients / 200));
	}

	private Map<String, Double> broadcast(Target target, int nodeCount, int clients, double rate, int windowSize,
			Duration warmup, Duration measuring, int recordEvery) throws Exception {
		List<Node> nodes = target.startCluster(nodeCount);
		HttpClient http = HttpClient.newHttpClient();
		List<Client> connections = new ArrayList<>();
		try {
			connections.addAll(connect(http, target, nodes, clients));
			Client sending = connections.get(0);
			Semaphore window = new Semaphore(windowSize);
			// Only a saturating sender waits for the window
			SlowestReceiverWindow slowest = new SlowestReceiverWindow(
					connections.stream().<LongSupplier>map((client) -> client::received).toList(), window);
			if (rate <= 0) {
				slowest.start();
			}
			PacedSender sender = new PacedSender(rate, window, Duration.ofSeconds(1),
					(k, sendAt) -> sending.chat(Payload.create(sendAt, k)))
				.start("sender");
			List<Client> recorded = new ArrayList<>();
			for (int i = 0; i < connections.size(); i += recordEvery) {
				recorded.add(connections.get(i));
			}
			Measured measured = measure(connections, recorded, warmup, measuring);
			sender.stop();
			slowest.close();
			long expected = sender.sent() * connections.size();
			long received = drain(connections, expected);
			Map<String, Double> figures = latencies(measured.histogram());
			figures.put("deliveries", measured.deliveriesPerSecond());
			figures.put("sent", measured.seconds() > 0 ? sender.sent() / measured.totalSeconds() : 0);
			figures.put("loss", 100.0 * (expected - received) / Math.max(1, expected));
			figures.put("stalls", (double) sender.stalls());
			return figures;
		}
		finally {
			connections.forEach(Client::close);
			target.stopAll();
		}
	}

	/**
	 * Scenario 8, one stuck browser: {@code clients} receivers, all on node 1, and a
	 * sender on node 2 that broadcasts at {@code rate}, measured first as it is, then
	 * again with one more connection on node 1 that stops reading ({@link StuckClient}).
	 * The sender goes on until the server cuts the stuck one or {@code cutLimit} has
	 * passed since it stopped reading. The figures: the normal receivers' latencies without ({@code baselineP50} ...) and with
	 * it, their ratios, {@code cut} (seconds from the last read to the kernel no longer
	 * holding the connection as established; NaN when not within the limit), when the
	 * server's send queue for it stopped growing ({@code queueStopped}: the kernel's
	 * buffers were full, or the server stopped writing to it) and the cut after that
	 * ({@code cutAfterQueueStopped}), that queue's largest size in KB, and the heap
	 * of node 1 (after full collections) before the stuck one came and at the end.
	 */
	Map<String, Double> stuckBrowser(Target target, int clients, double rate, Duration cutLimit) throws Exception {
		List<Node> nodes = target.startCluster(2);
		Node holding = nodes.get(0);
		HttpClient http = HttpClient.newHttpClient();
		List<Client> connections = new ArrayList<>();
		Client sending = null;
		StuckClient stuck = null;
		PacedSender sender = null;
		try {
			// The stuck browser's node holds every receiver, as in the issue; the sender's
			// own copy of each broadcast, on node 2, is not counted
			connections.addAll(connect(http, target, nodes.subList(0, 1), clients));
			Client from = connect(http, target, nodes.subList(1, 2), 1).get(0);
			sending = from;
			sender = PacedSender.atRate(rate, (k, sendAt) -> from.chat(Payload.create(sendAt, k))).start("sender");
			Measured baseline = measure(connections, connections);
			long heapBefore = target.heapAfterGc(holding);
			stuck = StuckClient.open(target.wire(), holding.port(), (int) CONNECT_TIMEOUT.toMillis());
			long stoppedAt = stuck.stoppedReadingAt();
			long deadline = stoppedAt + cutLimit.toNanos();
			AtomicLong cutAt = new AtomicLong(-1);
			AtomicLong maxQueued = new AtomicLong();
			AtomicLong lastGrowth = new AtomicLong(stoppedAt);
			StuckClient watched = stuck;
			Thread watcher = new Thread(() -> {
				while (System.nanoTime() < deadline) {
					StuckClient.State state = watched.state();
					if (state == null) {
						return;
					}
					long now = System.nanoTime();
					if (!state.established()) {
						cutAt.set(now);
						return;
					}
					long queued = state.serverSendQueue();
					if (queued > maxQueued.get()) {
						maxQueued.set(queued);
						lastGrowth.set(now);
					}
					try {
						Thread.sleep(50);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "stuck-watcher");
			watcher.start();
			Measured withStuck = measure(connections, connections);
			watcher.join(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) + 1_000);
			sender.stop();
			long received = drain(connections, sender.sent() * connections.size());
			long heapAfter = target.heapAfterGc(holding);
			Map<String, Double> figures = latencies(withStuck.histogram());
			Map<String, Double> without = latencies(baseline.histogram());
			figures.put("baselineP50", without.get("p50"));
			figures.put("baselineP99", without.get("p99"));
			figures.put("baselineMax", without.get("max"));
			figures.put("ratioP50", figures.get("p50") / without.get("p50"));
			figures.put("ratioP99", figures.get("p99") / without.get("p99"));
			figures.put("deliveries", withStuck.deliveriesPerSecond());
			figures.put("loss", 100.0 * (sender.sent() * connections.size() - received)
					/ Math.max(1, sender.sent() * connections.size()));
			figures.put("cut", (cutAt.get() >= 0) ? (cutAt.get() - stoppedAt) / 1e9 : Double.NaN);
			// The server's send queue for it stopped growing: the kernel's buffers were full (its
			// writes block or queue in the process from then on), or the server stopped writing
			// to it; not known if it still grew in the last 2 s before the end
			long end = (cutAt.get() >= 0) ? cutAt.get() : deadline;
			boolean stopped = end - lastGrowth.get() > TimeUnit.SECONDS.toNanos(2);
			figures.put("queueStopped", stopped ? (lastGrowth.get() - stoppedAt) / 1e9 : Double.NaN);
			figures.put("cutAfterQueueStopped",
					(stopped && cutAt.get() >= 0) ? (cutAt.get() - lastGrowth.get()) / 1e9 : Double.NaN);
			figures.put("kernelQueued", maxQueued.get() / 1024.0);
			figures.put("cutLimit", (double) cutLimit.toSeconds());
			figures.put("heapBefore", heapBefore / 1048576.0);
			figures.put("heapAfter", heapAfter / 1048576.0);
			return figures;
		}
		finally {
			if (sender != null) {
				sender.stop();
			}
			if (stuck != null) {
				stuck.close();
			}
			if (sending != null) {
				sending.close();
			}
			connections.forEach(Client::close);
			target.stopAll();
		}
	}

	/**
	 * {@code pairs} senders on node 1 each send to their own receiver on node 2, at
	 * {@code rate} messages per second in all.
	 */
	Map<String, Double> direct(Target target, int pairs, double rate) throws Exception {
		List<Node> nodes = target.startCluster(2);
		HttpClient http = HttpClient.newHttpClient();
		List<Client> senders = new ArrayList<>();
		List<Client> receivers = new ArrayList<>();
		try {
			senders.addAll(connect(http, target, nodes.subList(0, 1), pairs));
			receivers.addAll(connect(http, target, nodes.subList(1, 2), pairs));
			PacedSender sender = PacedSender.atRate(rate, (k, sendAt) -> {
				int pair = (int) (k % pairs);
				senders.get(pair).direct(receivers.get(pair).id(), Payload.create(sendAt, k));
			}).start("sender");
			Measured measured = measure(receivers, receivers);
			sender.stop();
			long received = drain(receivers, sender.sent());
			Map<String, Double> figures = latencies(measured.histogram());
			figures.put("deliveries", measured.deliveriesPerSecond());
			figures.put("loss", 100.0 * (sender.sent() - received) / Math.max(1, sender.sent()));
			figures.put("errors", (double) senders.stream().mapToLong(Client::errors).sum());
			return figures;
		}
		finally {
			senders.forEach(Client::close);
			receivers.forEach(Client::close);
			target.stopAll();
		}
	}

	/**
	 * Heap after a full collection and resident memory of one node, before and after
	 * {@code count} idle connections.
	 */
	Map<String, Double> memory(Target target, int count) throws Exception {
		List<Node> nodes = target.startCluster(1);
		Node node = nodes.get(0);
		HttpClient http = HttpClient.newHttpClient();
		List<Client> connections = new ArrayList<>();
		try {
			Thread.sleep(2000);
			long heapBefore = target.heapAfterGc(node);
			long rssBefore = node.residentBytes();
			connections.addAll(connect(http, target, nodes, count));
			Thread.sleep(3000);
			long heapAfter = target.heapAfterGc(node);
			long rssAfter = node.residentBytes();
			String histogram = target.heapHistogram(node);
			if (histogram != null) {
				Path file = target.logDirectory().resolve("heap-histogram-" + count + "-connections-" + node.port() + ".txt");
				Files.writeString(file, histogram);
				Benchmark.log("  heap histogram in " + file);
			}
			Map<String, Double> figures = new LinkedHashMap<>();
			figures.put("connections", (double) connections.size());
			figures.put("heapPerConnection", (heapAfter - heapBefore) / 1024.0 / count);
			figures.put("rssPerConnection", (rssAfter - rssBefore) / 1024.0 / count);
			figures.put("heapIdle", heapBefore / 1048576.0);
			figures.put("rssIdle", rssBefore / 1048576.0);
			return figures;
		}
		finally {
			connections.forEach(Client::close);
			target.stopAll();
		}
	}

	/**
	 * A second node joins a running one: the time until it accepts connections, then
	 * until a broadcast from the first node reaches a client of the second. Then the
	 * second is killed with SIGKILL: the time until the first can no longer send to it
	 * and until it is no longer a member.
	 */
	Map<String, Double> joinAndFailover(Target target) throws Exception {
		List<Node> nodes = target.startCluster(1);
		HttpClient http = HttpClient.newHttpClient();
		Client first = null;
		Client second = null;
		try {
			first = connect(http, target, nodes, 1).get(0);
			Node joining = target.spawn();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
			while (second == null) {
				try {
					second = Client.connect(http, target.wire(), 1, joining.port(), Duration.ofSeconds(5)).join();
				}
				catch (RuntimeException ex) {
					check(deadline, joining.isAlive(), "the new node never accepted a connection");
					Thread.sleep(20);
				}
			}
			long accepting = System.nanoTime();
			deadline = accepting + TimeUnit.SECONDS.toNanos(60);
			for (long k = 0; second.received() == 0; k++) {
				check(deadline, true, "no broadcast reached the new node");
				first.chat(Payload.create(System.nanoTime(), k));
				Thread.sleep(10);
			}
			long joined = System.nanoTime();
			Map<String, Double> figures = new LinkedHashMap<>();
			figures.put("startup", (accepting - joining.startedAt()) / 1e9);
			figures.put("join", (joined - accepting) / 1e9);
			Thread.sleep(2000);
			Node survivor = nodes.get(0);
			long killed = System.nanoTime();
			joining.kill();
			double unreachable = Double.NaN;
			deadline = killed + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline) {
				long now = System.nanoTime();
				if (Double.isNaN(unreachable) && target.linked(survivor) == 0) {
					unreachable = (now - killed) / 1e9;
				}
				if (target.members(survivor) == 0) {
					figures.put("unreachable", Double.isNaN(unreachable) ? (now - killed) / 1e9 : unreachable);
					figures.put("removed", (now - killed) / 1e9);
					return figures;
				}
				Thread.sleep(10);
			}
			figures.put("unreachable", unreachable);
			figures.put("removed", Double.NaN);
			return figures;
		}
		finally {
			if (first != null) {
				first.close();
			}
			if (second != null) {
				second.close();
			}
			target.stopAll();
		}
	}

	/**
	 * Scenario 9, the cluster view: a node holding {@code count} connections joins a
	 * cluster of three. Four nodes start linked, every peer link through a
	 * {@link LinkProxy} (each node's name is its proxy's address); the fourth gets the
	 * connections and every node lists them; then it is frozen with SIGSTOP until the
	 * three others have dropped its connections from their directories, and let go with
	 * SIGCONT: it links again and sends each of them a snapshot of its connections. The
	 * figures: the time from SIGCONT until the first new link and until each of the three
	 * lists all {@code count} again in {@code GET /api/connections}, the peer-link bytes
	 * in that time, and the heap (after full collections) that the entries take on each
	 * of the three, once as they came in the snapshot and once as they first came, one
	 * change at a time.
	 */
	Map<String, Double> clusterView(Target target, int count) throws Exception {
		target.newCluster();
		HttpClient http = HttpClient.newHttpClient();
		List<LinkProxy> proxies = new ArrayList<>();
		List<Client> connections = new ArrayList<>();
		Node joining = null;
		boolean paused = false;
		try {
			List<Node> others = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				others.add(spawnBehindProxy(target, proxies));
			}
			target.awaitLinked(others);
			// Started last, the joining node has the highest id: it dials the others, as a joining node does
			joining = spawnBehindProxy(target, proxies);
			List<Node> all = new ArrayList<>(others);
			all.add(joining);
			target.awaitLinked(all);
			String joiningId = ClusterJson.nodeId(target.get(joining.port(), "/api/cluster"));
			long[] heapFresh = heapAfterGc(target, others);
			connections.addAll(connect(http, target, List.of(joining), count));
			awaitListed(target, others, joiningId, count, Duration.ofSeconds(120), new long[3]);
			double heapPerEntryIncremental = medianPerEntry(heapFresh, heapAfterGc(target, others), count);
			long baselineStart = totalBytes(proxies);
			long baselineAt = System.nanoTime();
			Thread.sleep(2000);
			double baseline = (totalBytes(proxies) - baselineStart) / ((System.nanoTime() - baselineAt) / 1e9);

			long pausedAt = System.nanoTime();
			joining.pause();
			paused = true;
			long[] dropped = new long[3];
			awaitListed(target, others, joiningId, 0, Duration.ofSeconds(60), dropped);
			long[] heapBefore = heapAfterGc(target, others);

			long bytesBefore = totalBytes(proxies);
			long resumed = System.nanoTime();
			joining.resume();
			paused = false;
			long[] converged = new long[3];
			Polls polls = awaitListed(target, others, joiningId, count, Duration.ofSeconds(120), converged);
			long bytes = totalBytes(proxies) - bytesBefore;
			long lastConverged = Arrays.stream(converged).max().getAsLong();
			long firstLink = proxies.stream()
				.mapToLong((proxy) -> proxy.firstAcceptedSince(resumed))
				.filter((at) -> at >= 0)
				.min()
				.orElse(-1);
			double heapPerEntry = medianPerEntry(heapBefore, heapAfterGc(target, others), count);
			Map<String, Double> figures = new LinkedHashMap<>();
			figures.put("dropped", (Arrays.stream(dropped).max().getAsLong() - pausedAt) / 1e9);
			figures.put("firstLink", (firstLink >= 0) ? (firstLink - resumed) / 1e9 : Double.NaN);
			figures.put("convergedFirst", (Arrays.stream(converged).min().getAsLong() - resumed) / 1e9);
			figures.put("converged", (lastConverged - resumed) / 1e9);
			figures.put("linkToConverged", (firstLink >= 0) ? (lastConverged - firstLink) / 1e9 : Double.NaN);
			figures.put("bytes", bytes / 1024.0);
			figures.put("bytesPerEntry", bytes / (3.0 * count));
			figures.put("baselineBytesPerSecond", baseline);
			figures.put("heapPerEntry", heapPerEntry);
			figures.put("heapPerEntryIncremental", heapPerEntryIncremental);
			figures.put("poll", median(polls.listed()) / 1e6);
			figures.put("polls", (double) polls.count());
			return figures;
		}
		finally {
			if (paused) {
				resumeQuietly(joining);
			}
			connections.forEach(Client::close);
			target.stopAll();
			proxies.forEach(LinkProxy::close);
		}
	}

	/**
	 * Scenario 9, cluster RPC: on a cluster of three, the round trip of
	 * {@code GET /api/nodes/{id}} (one other node over cluster RPC) and
	 * {@code GET /api/nodes} (all three), and of {@code GET /api/cluster} (no RPC, the
	 * HTTP baseline), one call at a time from one client, after a warm-up.
	 */
	Map<String, Double> clusterRpc(Target target) throws Exception {
		List<Node> nodes = target.startCluster(3);
		try {
			Node node = nodes.get(0);
			String otherId = ClusterJson.nodeId(target.get(nodes.get(1).port(), "/api/cluster"));
			Map<String, Double> figures = new LinkedHashMap<>();
			roundTrips(target, node, "/api/cluster", -1, "http", figures);
			roundTrips(target, node, "/api/nodes/" + otherId, 1, "one", figures);
			roundTrips(target, node, "/api/nodes", 3, "all", figures);
			return figures;
		}
		finally {
			target.stopAll();
		}
	}

	private void roundTrips(Target target, Node node, String path, int answers, String name,
			Map<String, Double> figures) throws IOException {
		Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
		long failed = 0;
		int warmup = this.options.rpcWarmup();
		int calls = this.options.rpcCalls();
		for (int i = 0; i < warmup + calls; i++) {
			long start = System.nanoTime();
			String body = target.get(node.port(), path);
			long micros = (System.nanoTime() - start) / 1000;
			if (answers >= 0 && ClusterJson.answered(body) != answers) {
				failed++;
			}
			if (i >= warmup) {
				histogram.recordValue(Math.min(histogram.getHighestTrackableValue(), micros));
			}
		}
		figures.put(name + "P50", histogram.getValueAtPercentile(50) / 1000.0);
		figures.put(name + "P99", histogram.getValueAtPercentile(99) / 1000.0);
		figures.put(name + "Max", histogram.getMaxValue() / 1000.0);
		figures.put(name + "Failed", (double) failed);
	}

	private static Node spawnBehindProxy(Target target, List<LinkProxy> proxies) throws IOException {
		LinkProxy proxy = new LinkProxy();
		proxies.add(proxy);
		Node node = target
			.spawn(List.of("--socketbox.cluster.name=ws://127.0.0.1:" + proxy.port() + "/socketbox/cluster"));
		proxy.forwardTo(node.port());
		return node;
	}

	/**
	 * Poll {@code GET /api/connections} on each node, one after the other, until each
	 * lists {@code expected} connections of the given node, and note in {@code at} the
	 * {@link System#nanoTime()} at which each poll that first showed it was answered.
	 * Return how long the polls took.
	 */
	private static Polls awaitListed(Target target, List<Node> nodes, String nodeId, int expected,
			Duration timeout, long[] at) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean[] done = new boolean[nodes.size()];
		int remaining = nodes.size();
		List<Long> polls = new ArrayList<>();
		List<Long> listed = new ArrayList<>();
		while (remaining > 0) {
			for (int i = 0; i < nodes.size(); i++) {
				if (done[i]) {
					continue;
				}
				long start = System.nanoTime();
				String body = target.get(nodes.get(i).port(), "/api/connections");
				long end = System.nanoTime();
				polls.add(end - start);
				if (ClusterJson.connectionsOf(body, nodeId) == expected) {
					listed.add(end - start);
					done[i] = true;
					at[i] = end;
					remaining--;
				}
			}
			if (remaining > 0) {
				check(deadline, true, remaining + " node(s) did not list " + expected + " connections of " + nodeId
						+ " within " + timeout.toSeconds() + " s");
				Thread.sleep(10);
			}
		}
		return new Polls(polls.size(), listed);
	}

	private static void resumeQuietly(Node node) {
		try {
			// A frozen process does not act on SIGTERM until it goes on
			node.resume();
		}
		catch (IOException ex) {
			// stopAll ends it with SIGKILL after its grace period
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long[] heapAfterGc(Target target, List<Node> nodes) throws IOException, InterruptedException {
		long[] heap = new long[nodes.size()];
		for (int i = 0; i < heap.length; i++) {
			heap[i] = target.heapAfterGc(nodes.get(i));
		}
		return heap;
	}

	/**
	 * Return the median over the nodes of the heap each gained, divided by the number of
	 * entries.
	 */
	private static double medianPerEntry(long[] before, long[] after, int entries) {
		List<Long> gained = new ArrayList<>();
		for (int i = 0; i < before.length; i++) {
			gained.add(after[i] - before[i]);
		}
		return median(gained) / entries;
	}

	private static long totalBytes(List<LinkProxy> proxies) {
		return proxies.stream().mapToLong(LinkProxy::bytes).sum();
	}

	private static double median(List<Long> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Long> sorted = new ArrayList<>(values);
		sorted.sort(Long::compare);
		return sorted.get(sorted.size() / 2);
	}

	private Measured measure(List<Client> counted, List<Client> recorded) throws InterruptedException {
		return measure(counted, recorded, this.options.warmup(), this.options.measure());
	}

	private Measured measure(List<Client> counted, List<Client> recorded, Duration warmup, Duration measuring)
			throws InterruptedException {
		Thread.sleep(warmup.toMillis());
		long before = total(counted);
		recorded.forEach(Client::startRecording);
		long start = System.nanoTime();
		Thread.sleep(measuring.toMillis());
		long after = total(counted);
		long end = System.nanoTime();
		Histogram histogram = new Histogram(3);
		recorded.forEach((client) -> histogram.add(client.stopRecording()));
		double seconds = (end - start) / 1e9;
		double totalSeconds = seconds + warmup.toMillis() / 1000.0;
		return new Measured((after - before) / seconds, histogram, seconds, totalSeconds);
	}

	/**
	 * Wait until the clients have received everything expected, or nothing more for two
	 * seconds, and return what they received.
	 */
	private static long drain(List<Client> clients, long expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		long last = -1;
		long lastChange = System.nanoTime();
		while (System.nanoTime() < deadline) {
			long received = total(clients);
			if (received >= expected) {
				return received;
			}
			if (received != last) {
				last = received;
				lastChange = System.nanoTime();
			}
			else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(2)) {
				return received;
			}
			Thread.sleep(50);
		}
		return total(clients);
	}

	private static List<Client> connect(HttpClient http, Target target, List<Node> nodes, int count)
			throws InterruptedException {
		Semaphore permits = new Semaphore(CONNECT_CONCURRENCY);
		List<CompletableFuture<Client>> futures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int node = i % nodes.size();
			permits.acquire();
			CompletableFuture<Client> future = Client
				.connect(http, target.wire(), node, nodes.get(node).port(), CONNECT_TIMEOUT)
				.whenComplete((client, ex) -> permits.release());
			futures.add(future);
		}
		List<Client> clients = new ArrayList<>();
		RuntimeException failure = null;
		for (CompletableFuture<Client> future : futures) {
			try {
				clients.add(future.join());
			}
			catch (RuntimeException ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			clients.forEach(Client::close);
			throw new IllegalStateException(target + ": " + (count - clients.size()) + " of " + count
					+ " connections failed", failure);
		}
		// Spread evenly: clients of node 1 first, so that the sender (the first) is on node 1
		clients.sort((a, b) -> Integer.compare(a.node(), b.node()));
		return clients;
	}

	private static Map<String, Double> latencies(Histogram histogram) {
		Map<String, Double> figures = new LinkedHashMap<>();
		boolean empty = histogram.getTotalCount() == 0;
		figures.put("p50", empty ? Double.NaN : histogram.getValueAtPercentile(50) / 1000.0);
		figures.put("p99", empty ? Double.NaN : histogram.getValueAtPercentile(99) / 1000.0);
		figures.put("max", empty ? Double.NaN : histogram.getMaxValue() / 1000.0);
		return figures;
	}

	private static long total(List<Client> clients) {
		long total = 0;
		for (Client client : clients) {
			total += client.received();
		}
		return total;
	}

	private static void check(long deadline, boolean alive, String failure) {
		if (!alive || System.nanoTime() > deadline) {
			throw new IllegalStateException(failure);
		}
	}

	/**
	 * The polls of one wait for a directory to list some number of connections.
	 *
	 * @param count how many polls were made
	 * @param listed how long each node's first poll that listed them took, in nanoseconds
	 */
	private record Polls(int count, List<Long> listed) {

	}

	private record Measured(double deliveriesPerSecond, Histogram histogram, double seconds, double totalSeconds) {

	}

}

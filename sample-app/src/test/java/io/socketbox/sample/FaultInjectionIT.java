package io.socketbox.sample;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.NumberedStream;
import io.socketbox.spring.testsupport.TcpProxy;

import static io.socketbox.sample.FaultFigures.figure;
import static io.socketbox.sample.FaultFigures.millis;
import static io.socketbox.sample.FaultFigures.millisUntilEach;
import static io.socketbox.sample.SampleNodeProcess.START_TIMEOUT;
import static io.socketbox.sample.SampleNodeProcess.assertLinked;
import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static io.socketbox.sample.SampleNodeProcess.freePorts;
import static io.socketbox.spring.testsupport.NumberedStream.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The failure handling of issue 4, as faults injected into the packaged sample running
 * as separate JVM processes: SIGKILL, SIGSTOP/SIGCONT, a peer link cut through a TCP
 * proxy, Redis stopped and restarted, a node restarted under the same name. Each test
 * broadcasts a numbered stream from node 1 through the fault ({@link NumberedStream},
 * one number every 20 ms) and asserts exactly which numbers reach which client, and how
 * long detection took. Every figure is printed as one line {@code FAULT <test> <figure>=<value>}.
 * Nodes run with the default heartbeat interval (1 s), heartbeat timeout (3 s) and
 * resend window (10 s) unless a test says otherwise.
 */
class FaultInjectionIT {

	private static final Duration PERIOD = Duration.ofMillis(20);

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

	/** For scheduling on a loaded two-core machine and for polling every 50 ms. */
	private static final Duration MARGIN = Duration.ofMillis(500);

	private static final Duration REFRESH_INTERVAL = Duration.ofSeconds(2);

	private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);

	@RegisterExtension
	final ProcessCluster processes = new ProcessCluster();

	private @Nullable NumberedStream stream;

	@AfterEach
	void stopStream() {
		// Before the nodes it broadcasts to are gone
		if (this.stream != null) {
			this.stream.close();
		}
	}

	/**
	 * SIGKILL node 2 of 3: nodes 1 and 3 take it out of routing within the heartbeat
	 * timeout, a direct send to its connection fails with NODE_UNREACHABLE, at once when
	 * sent after that, and the stream from node 1 reaches node 3 complete and in order.
	 */
	@Test
	void sigkill() throws Exception {
		Sigkill kill = sigkill("sigkill");
		assertThat(kill.client3Numbers()).as("numbers at node 3's client").isEqualTo(range(1, kill.last()));
		assertThat(kill.client1Numbers()).as("numbers at node 1's client").isEqualTo(range(1, kill.last()));
		assertThat(kill.linkDownMillis()).as("link to node 2 down after SIGKILL, ms")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(HEARTBEAT_TIMEOUT.plus(MARGIN).toMillis()));
		assertThat(kill.failFastMillis()).as("direct send once node 2 is known dead, ms")
			.isLessThanOrEqualTo(MARGIN.toMillis());
	}

	/**
	 * A direct send made just after the SIGKILL fails within the heartbeat timeout.
	 */
	@Test
	void sigkillSendsToItsConnectionsFailWithinHeartbeatTimeout() throws Exception {
		Sigkill kill = sigkill("sigkill_direct");
		assertThat(kill.directUnreachableMillis()).as("direct send to node 2 NODE_UNREACHABLE after SIGKILL, ms")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(HEARTBEAT_TIMEOUT.plus(MARGIN).toMillis()));
	}

	private Sigkill sigkill(String fault) throws Exception {
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, 3, this.processes.fileCache());
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		SampleNodeProcess node3 = cluster.get(2);
		String node2Id = node2.id();
		ChatClient client1 = connected(node1);
		ChatClient client2 = this.processes.connect(node2);
		String connection2 = welcome(client2);
		ChatClient client3 = connected(node3);
		NumberedStream stream = startStream(node1, client3);

		long killedAt = System.nanoTime();
		node2.signal("KILL");
		client1.send(direct(connection2));
		client3.send(direct(connection2));
		Map<String, Long> linkDown = millisUntilOutOfRouting(killedAt, Duration.ofSeconds(15), "link_down_ms",
				node2Id, node1, node3);
		long unreachable1 = millisUntilUnreachable(client1, connection2, killedAt);
		long unreachable3 = millisUntilUnreachable(client3, connection2, killedAt);
		long sentAgainAt = System.nanoTime();
		client1.send(direct(connection2));
		long failFast = millisUntilUnreachable(client1, connection2, sentAgainAt);
		stream.awaitMore(10);
		int last = stream.stop();
		client1.awaitNumber(last, DELIVERY_TIMEOUT);
		client3.awaitNumber(last, DELIVERY_TIMEOUT);

		figure(fault, "node1_link_down_ms", linkDown.get("node1_link_down_ms"));
		figure(fault, "node3_link_down_ms", linkDown.get("node3_link_down_ms"));
		figure(fault, "node1_direct_unreachable_ms", unreachable1);
		figure(fault, "node3_direct_unreachable_ms", unreachable3);
		figure(fault, "direct_after_detection_ms", failFast);
		figure(fault, "sent", last);
		figure(fault, "node3_received", client3.numbers().size());
		return new Sigkill(last, client1.numbers(), client3.numbers(), List.copyOf(linkDown.values()),
				List.of(unreachable1, unreachable3), failFast);
	}

	/**
	 * SIGSTOP node 2 for 5 s, as a long GC pause, then SIGCONT: nodes 1 and 3 treat it as
	 * dead after the heartbeat timeout (checked once per heartbeat interval), it rejoins with one UP link to each, and its
	 * client receives every number, those sent during the pause too (5 s is within the
	 * 10 s resend window), once and in order.
	 */
	@Test
	void sigstopThenSigcont() throws Exception {
		List<SampleNodeProcess> cluster = this.processes.startLinked("sigstop", 3, this.processes.fileCache());
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		SampleNodeProcess node3 = cluster.get(2);
		String node2Id = node2.id();
		ChatClient client2 = connected(node2);
		ChatClient client3 = connected(node3);
		NumberedStream stream = startStream(node1, client2);

		long stoppedAt = System.nanoTime();
		node2.signal("STOP");
		int firstInPause = stream.sent() + 1;
		Map<String, Long> detection = millisUntilOutOfRouting(stoppedAt, Duration.ofSeconds(5), "detection_ms",
				node2Id, node1, node3);
		// The fault: the pause lasts 5 s in all, longer than the heartbeat timeout and
		// shorter than the resend window
		sleepUntil(stoppedAt, Duration.ofSeconds(5));
		int lastInPause = stream.sent();
		long resumedAt = System.nanoTime();
		node2.signal("CONT");
		awaitLinked(cluster, Duration.ofSeconds(30));
		long rejoin = millis(resumedAt, System.nanoTime());
		// One link each way that stays up: no second link replacing the first
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> assertLinked(cluster));
		int last = stream.stop();
		client2.awaitNumber(last, DELIVERY_TIMEOUT);
		client3.awaitNumber(last, DELIVERY_TIMEOUT);

		figure("sigstop", "node1_detection_ms", detection.get("node1_detection_ms"));
		figure("sigstop", "node3_detection_ms", detection.get("node3_detection_ms"));
		figure("sigstop", "rejoin_after_sigcont_ms", rejoin);
		figure("sigstop", "sent_during_pause", lastInPause - firstInPause + 1);
		figure("sigstop", "sent", last);
		figure("sigstop", "node2_received", client2.numbers().size());
		figure("sigstop", "node1_dropped", node1.stats().path("droppedMessages").asLong());
		assertThat(client2.numbers()).as("numbers at node 2's client, %s to %s sent during the pause", firstInPause,
				lastInPause)
			.isEqualTo(range(1, last));
		assertThat(client3.numbers()).as("numbers at node 3's client").isEqualTo(range(1, last));
		assertThat(node1.stats().path("droppedMessages").asLong()).as("messages node 1 dropped").isZero();
		// Silence counts from the last frame node 2 sent (a heartbeat at most one interval
		// before the pause) and is checked once per interval: out of routing between the
		// timeout minus and plus one interval after the pause
		assertThat(detection.values()).as("paused node 2 out of routing, ms")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(
					HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plus(MARGIN).toMillis()));
	}

	/**
	 * The link between nodes 1 and 2 cut for 2 s, within the 10 s resend window: node 2's
	 * client receives every number once and in order, and nothing is dropped.
	 */
	@Test
	void linkCutWithinResendWindow() throws Exception {
		LinkCut cut = cutLink("short_cut", Duration.ofSeconds(2), List.of());
		assertThat(cut.received()).as("numbers at node 2's client, %s to %s sent during the cut",
				cut.firstDuringCut(), cut.lastDuringCut())
			.isEqualTo(range(1, cut.last()));
		assertThat(cut.dropped()).as("messages node 1 dropped").isZero();
	}

	/**
	 * The link between nodes 1 and 2 cut for 6 s, longer than a resend window of 3 s:
	 * what node 2's client misses was sent around the cut and is counted as dropped by
	 * node 1, nothing arrives twice or out of order, and everything sent after the link
	 * is back arrives.
	 */
	@Test
	void linkCutBeyondResendWindow() throws Exception {
		LinkCut cut = cutLink("long_cut", Duration.ofSeconds(6), List.of("--socketbox.cluster.resend-window=3s"));
		List<Integer> missing = cut.missing();
		assertThat(cut.received()).as("numbers at node 2's client").doesNotHaveDuplicates().isSorted();
		assertThat(missing).as("numbers lost in the cut").isNotEmpty()
			.allSatisfy((number) -> assertThat(number).isBetween(cut.receivedBeforeCut() + 1,
					cut.lastBeforeRelinked()));
		assertThat(cut.received()).as("numbers sent once the link was back")
			.containsSubsequence(range(cut.lastBeforeRelinked() + 1, cut.last()));
		assertThat(cut.dropped()).as("messages node 1 dropped, against %s missing", missing.size())
			.isGreaterThanOrEqualTo(missing.size());
	}

	/**
	 * The same cut, for the exact count: every message node 1 counts as dropped is one
	 * that node 2's client missed.
	 */
	@Test
	void linkCutBeyondResendWindowCountsExactlyTheLostMessages() throws Exception {
		LinkCut cut = cutLink("long_cut_count", Duration.ofSeconds(6),
				List.of("--socketbox.cluster.resend-window=3s"));
		assertThat(cut.dropped()).as("messages node 1 dropped, missing: %s", cut.missing())
			.isEqualTo(cut.missing().size());
	}

	private LinkCut cutLink(String fault, Duration duration, List<String> arguments) throws Exception {
		int[] ports = freePorts(2);
		TcpProxy proxy1 = proxy(ports[0]);
		TcpProxy proxy2 = proxy(ports[1]);
		List<TcpProxy> both = List.of(proxy1, proxy2);
		// Each node's name is its proxy: every peer link passes one
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, ports, (number) -> {
			List<String> nodeArguments = new ArrayList<>(this.processes.fileCache());
			nodeArguments.add("--socketbox.cluster.name=ws://127.0.0.1:" + both.get(number - 1).getPort()
					+ "/socketbox/cluster");
			nodeArguments.addAll(arguments);
			return nodeArguments;
		});
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		String node2Id = node2.id();
		ChatClient client2 = connected(node2);
		NumberedStream stream = startStream(node1, client2);

		long cutAt = System.nanoTime();
		int receivedBeforeCut = client2.numbers().get(client2.numbers().size() - 1);
		proxy1.reset();
		proxy2.reset();
		int firstDuringCut = stream.sent() + 1;
		long detection = millisUntilEach(cutAt, duration,
				Map.of("link_down", () -> !"UP".equals(node1.linkTo(node2Id)))).get("link_down");
		// The fault: the link stays cut for the stated time
		sleepUntil(cutAt, duration);
		int lastDuringCut = stream.sent();
		long restoredAt = System.nanoTime();
		proxy1.restore();
		proxy2.restore();
		awaitLinked(cluster, Duration.ofSeconds(30));
		long relinked = millis(restoredAt, System.nanoTime());
		int lastBeforeRelinked = stream.sent();
		stream.awaitMore(25);
		int last = stream.stop();
		client2.awaitNumber(last, DELIVERY_TIMEOUT);
		List<Integer> received = client2.numbers();
		long dropped = node1.stats().path("droppedMessages").asLong();
		LinkCut cut = new LinkCut(receivedBeforeCut, firstDuringCut, lastDuringCut, lastBeforeRelinked, last, received,
				dropped);

		figure(fault, "cut_ms", duration.toMillis());
		figure(fault, "link_down_ms", detection);
		figure(fault, "relinked_after_restore_ms", relinked);
		figure(fault, "sent_during_cut", lastDuringCut - firstDuringCut + 1);
		figure(fault, "sent_after_restore_before_relinked", lastBeforeRelinked - lastDuringCut);
		figure(fault, "sent", last);
		figure(fault, "node2_received", received.size());
		figure(fault, "node2_missing", cut.missing().size());
		figure(fault, "node2_missing_numbers", describe(cut.missing()));
		figure(fault, "node1_dropped", dropped);
		return cut;
	}

	/**
	 * Redis, the shared cache, stopped for 6 s and started again, empty: the stream keeps
	 * flowing with nothing lost, no member leaves any node's view, and every node is
	 * registered again in {@code socketbox:members}.
	 */
	@Test
	void cacheStoppedAndRestarted() throws Exception {
		EmbeddedRedis redis = this.processes.closeAfterNodes(EmbeddedRedis.startNew());
		List<String> redisCache = List.of("--socketbox.cache.type=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redis.getPort());
		List<SampleNodeProcess> cluster = this.processes.startLinked("cache", 3, redisCache);
		SampleNodeProcess node1 = cluster.get(0);
		Set<String> ids = new TreeSet<>();
		for (SampleNodeProcess node : cluster) {
			ids.add(node.id());
		}
		assertThat(members(redis)).as("socketbox:members before the outage").isEqualTo(ids);
		ChatClient client2 = connected(cluster.get(1));
		ChatClient client3 = connected(cluster.get(2));
		NumberedStream stream = startStream(node1, client2);

		redis.stop();
		int firstInOutage = stream.sent() + 1;
		// The fault: Redis stays down for 6 s (three refresh intervals, twice the heartbeat
		// timeout), and every node keeps every member, link up, all along
		await().alias("every member linked while Redis is down")
			.during(Duration.ofSeconds(6))
			.atMost(Duration.ofSeconds(8))
			.pollInterval(Duration.ofMillis(250))
			.untilAsserted(() -> assertLinked(cluster));
		int lastInOutage = stream.sent();
		long restartedAt = System.nanoTime();
		redis.start();
		await().alias("every node registered again")
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> members(redis), ids::equals);
		long reregistered = millis(restartedAt, System.nanoTime());
		stream.awaitMore(10);
		int last = stream.stop();
		client2.awaitNumber(last, DELIVERY_TIMEOUT);
		client3.awaitNumber(last, DELIVERY_TIMEOUT);

		figure("cache", "sent_during_outage", lastInOutage - firstInOutage + 1);
		figure("cache", "reregistered_after_restart_ms", reregistered);
		figure("cache", "sent", last);
		figure("cache", "node2_received", client2.numbers().size());
		figure("cache", "node3_received", client3.numbers().size());
		figure("cache", "node1_dropped", node1.stats().path("droppedMessages").asLong());
		assertThat(client2.numbers()).as("numbers at node 2's client").isEqualTo(range(1, last));
		assertThat(client3.numbers()).as("numbers at node 3's client").isEqualTo(range(1, last));
		assertThat(node1.stats().path("droppedMessages").asLong()).as("messages node 1 dropped").isZero();
	}

	/**
	 * Node 2 killed and started again on the same port, so under the same name: nodes 1
	 * and 3 link with the new incarnation as soon as it is up, and its client receives
	 * the stream from then on, complete and in order.
	 */
	@Test
	void nodeRestartedWithTheSameName() throws Exception {
		Restart restart = restart("restart", false);
		List<Integer> received = restart.newClient2Numbers();
		assertThat(received).as("numbers at the new node 2's client").isNotEmpty();
		assertThat(received).as("numbers at the new node 2's client")
			.isEqualTo(range(received.get(0), restart.last()))
			.contains(restart.firstAfterRestart());
		assertThat(restart.newUpMillis()).as("ms until nodes 1 and 3 linked with the new node 2, after it answered")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(REFRESH_INTERVAL.plus(MARGIN).toMillis()));
	}

	/**
	 * The same restart, with a member timeout of 30 s: nodes 1 and 3 drop the old
	 * incarnation within a refresh interval of seeing the new one, not after the member
	 * timeout.
	 */
	@Test
	void nodeRestartedWithTheSameNameReplacesTheOldIncarnationAtOnce() throws Exception {
		Restart restart = restart("restart_replace", true);
		assertThat(restart.oldGoneMillis()).as("ms until nodes 1 and 3 dropped the old node 2, after the new answered")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(REFRESH_INTERVAL.plus(MARGIN).toMillis()));
	}

	private Restart restart(String fault, boolean awaitOldGone) throws Exception {
		List<String> arguments = new ArrayList<>(this.processes.fileCache());
		// Far longer than the replacement may take, so that expiry cannot pass for it
		arguments.add("--socketbox.cluster.member-timeout=30s");
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, 3, arguments);
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		SampleNodeProcess node3 = cluster.get(2);
		String node1Id = node1.id();
		String oldId = node2.id();
		String node3Id = node3.id();
		ChatClient client1 = connected(node1);
		NumberedStream stream = startStream(node1, client1);

		long killedAt = System.nanoTime();
		node2.signal("KILL");
		assertThat(node2.awaitExit(Duration.ofSeconds(10))).as("old node 2 exited").isTrue();
		SampleNodeProcess newNode2 = this.processes.start(fault + "-node-2-again", node2.port(), arguments);
		String newId = await().alias("restarted node 2 answers")
			.atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.until(() -> newNode2.id(), (id) -> !id.isEmpty());
		long answeredAt = System.nanoTime();
		Map<String, Callable<Boolean>> replaced = new LinkedHashMap<>();
		replaced.put("node1_new_up_ms", () -> "UP".equals(node1.linkTo(newId)));
		replaced.put("node3_new_up_ms", () -> "UP".equals(node3.linkTo(newId)));
		replaced.put("new_node2_linked_ms",
				() -> "UP".equals(newNode2.linkTo(node1Id)) && "UP".equals(newNode2.linkTo(node3Id)));
		if (awaitOldGone) {
			replaced.put("node1_old_gone_ms", () -> "ABSENT".equals(node1.linkTo(oldId)));
			replaced.put("node3_old_gone_ms", () -> "ABSENT".equals(node3.linkTo(oldId)));
		}
		Map<String, Long> replacement = millisUntilEach(answeredAt, Duration.ofSeconds(40), replaced);
		ChatClient newClient2 = connected(newNode2);
		int firstAfterRestart = stream.sent() + 1;
		stream.awaitMore(25);
		int last = stream.stop();
		newClient2.awaitNumber(last, DELIVERY_TIMEOUT);
		List<Integer> received = newClient2.numbers();

		figure(fault, "new_node_answers_after_kill_ms", millis(killedAt, answeredAt));
		replacement.forEach((figure, ms) -> figure(fault, figure + "_after_new_node_answers", ms));
		figure(fault, "sent", last);
		figure(fault, "new_node2_received", received.size());
		return new Restart(firstAfterRestart, last, received,
				List.of(replacement.get("node1_new_up_ms"), replacement.get("node3_new_up_ms")),
				awaitOldGone ? List.of(replacement.get("node1_old_gone_ms"), replacement.get("node3_old_gone_ms"))
						: List.of());
	}

	private TcpProxy proxy(int targetPort) {
		TcpProxy proxy = this.processes.closeAfterNodes(new TcpProxy());
		proxy.setTarget(targetPort);
		return proxy;
	}

	/**
	 * Start the stream from a node and wait until a client has received its first ten
	 * numbers.
	 */
	private NumberedStream startStream(SampleNodeProcess node, ChatClient receiving) throws Exception {
		// A number counts as sent once the node has accepted it
		NumberedStream started = NumberedStream.start((text) -> accepted(node, text), "", PERIOD);
		this.stream = started;
		receiving.awaitNumber(started.awaitMore(10), DELIVERY_TIMEOUT);
		return started;
	}

	private static void accepted(SampleNodeProcess node, String text) {
		int status = node.broadcast(text);
		if (status != 202) {
			throw new IllegalStateException("Broadcast of " + text + " to " + node + " answered " + status);
		}
	}

	/**
	 * Connect a client to a node and read its welcome.
	 */
	private ChatClient connected(SampleNodeProcess node) throws Exception {
		ChatClient client = this.processes.connect(node);
		welcome(client);
		return client;
	}

	private static String welcome(ChatClient client) throws Exception {
		return client.next("welcome").path("connection").asString();
	}

	private static String direct(String connection) {
		return "{\"type\":\"direct\",\"to\":\"" + connection + "\",\"text\":\"are you there?\"}";
	}

	private static Predicate<JsonNode> unreachable(String connection) {
		return (frame) -> "error".equals(frame.path("type").asString())
				&& frame.path("message").asString().contains(connection)
				&& frame.path("message").asString().contains("NODE_UNREACHABLE");
	}

	private static Set<String> members(EmbeddedRedis redis) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", redis.getPort()));
		client.setDefaultTimeout(Duration.ofSeconds(1));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return new TreeSet<>(connection.sync().smembers("socketbox:members"));
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
	}

	/**
	 * The milliseconds from {@code since} until nodes 1 and 3 no longer have an UP link
	 * to the given node, as {@code node1_<figure>} and {@code node3_<figure>}.
	 */
	private static Map<String, Long> millisUntilOutOfRouting(long since, Duration atMost, String figure,
			String nodeId, SampleNodeProcess node1, SampleNodeProcess node3) {
		return millisUntilEach(since, atMost, Map.of("node1_" + figure, () -> !"UP".equals(node1.linkTo(nodeId)),
				"node3_" + figure, () -> !"UP".equals(node3.linkTo(nodeId))));
	}

	/**
	 * The milliseconds from {@code since} until the client received the error that a
	 * direct send to the given connection met NODE_UNREACHABLE, received after
	 * {@code since}.
	 */
	private static long millisUntilUnreachable(ChatClient client, String connection, long since) {
		return millis(since, client
			.awaitFrame("NODE_UNREACHABLE", unreachable(connection), since, Duration.ofSeconds(15))
			.nanoTime());
	}

	/**
	 * Sleep until a fault has lasted its stated time; only for that.
	 */
	private static void sleepUntil(long start, Duration duration) throws InterruptedException {
		long remaining = start + duration.toNanos() - System.nanoTime();
		if (remaining > 0) {
			Thread.sleep(Duration.ofNanos(remaining).toMillis());
		}
	}

	private static String describe(List<Integer> numbers) {
		if (numbers.isEmpty()) {
			return "none";
		}
		return numbers.get(0) + ".." + numbers.get(numbers.size() - 1)
				+ ((numbers.size() == numbers.get(numbers.size() - 1) - numbers.get(0) + 1) ? "" : " with gaps");
	}

	/**
	 * What happened to the stream in a link cut.
	 *
	 * @param receivedBeforeCut the highest number node 2's client had when the link was cut
	 * @param firstDuringCut the first number sent after the cut
	 * @param lastDuringCut the last number sent before the link was restored
	 * @param lastBeforeRelinked the last number sent before the nodes were linked again
	 * @param last the last number sent
	 * @param received the numbers node 2's client received, in order
	 * @param dropped the messages node 1 counted as dropped
	 */
	private record LinkCut(int receivedBeforeCut, int firstDuringCut, int lastDuringCut, int lastBeforeRelinked, int last,
			List<Integer> received, long dropped) {

		List<Integer> missing() {
			Set<Integer> arrived = Set.copyOf(this.received);
			return range(1, this.last).stream().filter((number) -> !arrived.contains(number)).toList();
		}

	}

	/**
	 * What a SIGKILL of node 2 did.
	 *
	 * @param last the last number sent
	 * @param client1Numbers the numbers node 1's client received
	 * @param client3Numbers the numbers node 3's client received
	 * @param linkDownMillis for nodes 1 and 3, when the link to node 2 was seen down
	 * @param directUnreachableMillis for direct sends from nodes 1 and 3 made right after
	 * the kill, when NODE_UNREACHABLE came back
	 * @param failFastMillis how long a direct send made after that took to fail
	 */
	private record Sigkill(int last, List<Integer> client1Numbers, List<Integer> client3Numbers,
			List<Long> linkDownMillis, List<Long> directUnreachableMillis, long failFastMillis) {

	}

	/**
	 * What a restart of node 2 under the same name did.
	 *
	 * @param firstAfterRestart the first number sent after the new node's client connected
	 * @param last the last number sent
	 * @param newClient2Numbers the numbers the new node 2's client received
	 * @param newUpMillis for nodes 1 and 3, when the link to the new node 2 was seen up,
	 * from when it answered
	 * @param oldGoneMillis for nodes 1 and 3, when the old node 2 was gone, from when the
	 * new one answered; empty when not awaited
	 */
	private record Restart(int firstAfterRestart, int last, List<Integer> newClient2Numbers, List<Long> newUpMillis,
			List<Long> oldGoneMillis) {

	}

}

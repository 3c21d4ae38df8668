package io.socketbox.sample;

import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.socketbox.sample.FaultFigures.figure;
import static io.socketbox.sample.FaultFigures.millis;
import static io.socketbox.sample.FaultFigures.millisUntilEach;
import static io.socketbox.sample.SampleNodeProcess.START_TIMEOUT;
import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The cluster view of issue 11 across process faults, on the packaged sample running as
 * three JVM processes that share a cache directory: the connection directory
 * ({@code /api/connections}) through a SIGKILL and a restart under the same name, the
 * manager ({@code /api/cluster}) through SIGSTOP/SIGCONT, SIGKILL and SIGTERM with every
 * fencing token seen, and cluster RPC ({@code /api/nodes}) with a node stopped, then
 * killed mid-call. Nodes run with short heartbeats and leases (see {@link #timing}) so
 * that the class takes well under two minutes. Every figure is printed as one line
 * {@code FAULT <test> <figure>=<value>}, as {@link FaultInjectionIT} does.
 */
class ClusterViewProcessIT {

	private static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(250);

	private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration REFRESH_INTERVAL = Duration.ofMillis(500);

	private static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration LEASE_DURATION = Duration.ofSeconds(4);

	/** How long {@code /api/nodes} waits for a node ({@code sample.nodes-timeout}). */
	private static final Duration NODES_TIMEOUT = Duration.ofSeconds(2);

	/** For scheduling on a loaded two-core machine and for polling every 50 ms. */
	private static final Duration MARGIN = Duration.ofSeconds(1);

	/** A peer's connections go at the first sweep after its link was silent this long. */
	private static final Duration DIRECTORY_BOUND = HEARTBEAT_TIMEOUT.plus(HEARTBEAT_INTERVAL).plus(MARGIN);

	/**
	 * The lease runs out, another node takes it at its next refresh, the others read it
	 * at theirs.
	 */
	private static final Duration TAKEOVER_BOUND = LEASE_DURATION.plus(REFRESH_INTERVAL.multipliedBy(2)).plus(MARGIN);

	/** Generous, and half the lease: a graceful stop gives the lease up at once. */
	private static final Duration HANDOVER_BOUND = LEASE_DURATION.dividedBy(2);

	private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(20);

	private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

	private final JsonMapper jsonMapper = JsonMapper.shared();

	@RegisterExtension
	final ProcessCluster processes = new ProcessCluster();

	/**
	 * Named clients on each node; every node lists all of them. SIGKILL node 2: its
	 * connections vanish from nodes 1 and 3 within the heartbeat timeout and one sweep.
	 * Node 2 restarted under the same name with new clients: every view converges on the
	 * same connections, once each, with nothing of the old incarnation.
	 */
	@Test
	void directoryConvergesAfterSigkillAndARestartUnderTheSameName() throws Exception {
		String fault = "directory";
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, 3, timing(MEMBER_TIMEOUT));
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		SampleNodeProcess node3 = cluster.get(2);
		String id1 = node1.id();
		String oldId2 = node2.id();
		String id3 = node3.id();
		Tuple alice = connection(node1, id1, "alice");
		Tuple bob = connection(node2, oldId2, "bob");
		Tuple anonymous = connection(node2, oldId2, null);
		Tuple carol = connection(node3, id3, "carol");
		awaitViews(cluster, Set.of(alice, bob, anonymous, carol));

		long killedAt = System.nanoTime();
		node2.signal("KILL");
		Map<String, Long> vanished = millisUntilEach(killedAt, CONVERGENCE_TIMEOUT,
				Map.of("node1_vanished_ms", () -> connections(node1).equals(Set.of(alice, carol)),
						"node3_vanished_ms", () -> connections(node3).equals(Set.of(alice, carol))));
		assertThat(node2.awaitExit(Duration.ofSeconds(10))).as("node 2 exited").isTrue();

		SampleNodeProcess newNode2 = this.processes.start(fault + "-node-2-again", node2.port(),
				timing(MEMBER_TIMEOUT));
		List<SampleNodeProcess> restarted = List.of(node1, newNode2, node3);
		awaitLinked(restarted, START_TIMEOUT);
		String newId2 = newNode2.id();
		assertThat(newNode2.cluster().path("name").asString()).as("name of the restarted node 2")
			.isEqualTo(node1.cluster()
				.path("members")
				.valueStream()
				.filter((member) -> member.path("id").asString().equals(newId2))
				.findFirst()
				.orElseThrow()
				.path("name")
				.asString());
		assertThat(newId2).isNotEqualTo(oldId2);
		long linkedAt = System.nanoTime();
		Tuple newBob = connection(newNode2, newId2, "bob");
		Tuple dave = connection(newNode2, newId2, "dave");
		Set<Tuple> expected = Set.of(alice, carol, newBob, dave);
		Map<String, Long> converged = millisUntilEach(linkedAt, CONVERGENCE_TIMEOUT,
				Map.of("node1_converged_ms", () -> connections(node1).equals(expected), "node3_converged_ms",
						() -> connections(node3).equals(expected), "new_node2_converged_ms",
						() -> connections(newNode2).equals(expected)));
		for (SampleNodeProcess node : restarted) {
			List<JsonNode> listed = List.copyOf(node.connections().path("connections").values());
			assertThat(listed).as("connections listed by %s", node).hasSize(4);
			assertThat(listed).as("connections of the old node 2 listed by %s", node)
				.noneMatch((connection) -> connection.path("node").asString().equals(oldId2));
		}

		vanished.forEach((name, ms) -> figure(fault, name, ms));
		converged.forEach((name, ms) -> figure(fault, name + "_after_linked", ms));
		assertThat(vanished.values()).as("ms until node 2's connections vanished after SIGKILL")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(DIRECTORY_BOUND.toMillis()));
	}

	/**
	 * One manager agreed after the start. SIGSTOP it: another takes over with a higher
	 * token within the lease; SIGCONT: the old one never claims to be manager again and
	 * reads the newer token. SIGKILL the new manager: another takes over within the lease.
	 * SIGTERM that one: the last node takes over at once. Every token seen, on every node,
	 * belongs to one manager, and each new token is larger than all before it.
	 */
	@Test
	void managerSurvivesSigstopSigkillAndSigtermWithGrowingTokens() throws Exception {
		String fault = "manager";
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, 3, timing(MEMBER_TIMEOUT));
		TokenLog tokens = new TokenLog();
		Manager first = awaitAgreedManager(cluster, tokens, null, START_TIMEOUT);
		assertThat(first.token()).as("first token").isPositive();
		JsonNode nodes = this.jsonMapper.readTree(okBody(cluster.get(0).get("/api/nodes", HTTP_TIMEOUT)));
		assertThat(nodes.path("nodes").values()).as("/api/nodes")
			.extracting((node) -> node.path("id").asString(), (node) -> node.path("manager").asBoolean())
			.containsExactlyInAnyOrderElementsOf(cluster.stream()
				.map(SampleNodeProcess::id)
				.map((id) -> tuple(id, id.equals(first.id())))
				.toList());

		SampleNodeProcess stopped = nodeWithId(cluster, first.id());
		List<SampleNodeProcess> others = without(cluster, stopped);
		long stoppedAt = System.nanoTime();
		stopped.signal("STOP");
		Manager second = awaitAgreedManager(others, tokens, first, TAKEOVER_BOUND.plus(CONVERGENCE_TIMEOUT));
		long sigstopTakeover = millis(stoppedAt, System.nanoTime());
		long resumedAt = System.nanoTime();
		stopped.signal("CONT");
		JsonNode resumedView = await().alias("the resumed old manager reads the newer token")
			.atMost(CONVERGENCE_TIMEOUT)
			.pollInterval(Duration.ofMillis(20))
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.until(() -> {
				JsonNode view = stopped.cluster();
				tokens.observe(stopped, view);
				assertThat(view.path("isManager").asBoolean()).as("the resumed old manager says it is manager: %s", view)
					.isFalse();
				return view;
			}, (view) -> view.path("manager").path("token").asLong() >= second.token());
		long resumedSeesNewer = millis(resumedAt, System.nanoTime());
		assertThat(resumedView.path("manager").path("id").asString()).isEqualTo(second.id());
		awaitLinked(cluster, CONVERGENCE_TIMEOUT);
		assertThat(awaitAgreedManager(cluster, tokens, null, CONVERGENCE_TIMEOUT)).isEqualTo(second);

		SampleNodeProcess killed = nodeWithId(cluster, second.id());
		List<SampleNodeProcess> survivors = without(cluster, killed);
		long killedAt = System.nanoTime();
		killed.signal("KILL");
		Manager third = awaitAgreedManager(survivors, tokens, second, TAKEOVER_BOUND.plus(CONVERGENCE_TIMEOUT));
		long sigkillTakeover = millis(killedAt, System.nanoTime());

		SampleNodeProcess terminated = nodeWithId(survivors, third.id());
		SampleNodeProcess last = without(survivors, terminated).get(0);
		long terminatedAt = System.nanoTime();
		terminated.stop();
		Manager fourth = awaitAgreedManager(List.of(last), tokens, third, CONVERGENCE_TIMEOUT);
		long sigtermHandover = millis(terminatedAt, System.nanoTime());
		assertThat(terminated.awaitExit(Duration.ofSeconds(30))).as("the terminated manager exited").isTrue();
		assertThat(fourth.id()).isEqualTo(last.id());

		figure(fault, "tokens", tokens.inOrder());
		figure(fault, "sigstop_takeover_ms", sigstopTakeover);
		figure(fault, "resumed_sees_newer_token_ms", resumedSeesNewer);
		figure(fault, "sigkill_takeover_ms", sigkillTakeover);
		figure(fault, "sigterm_handover_ms", sigtermHandover);
		assertThat(tokens.inOrder()).as("tokens in the order first seen")
			.containsExactly(first.token(), second.token(), third.token(), fourth.token());
		assertThat(sigstopTakeover).as("ms until a new manager after SIGSTOP")
			.isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis());
		assertThat(sigkillTakeover).as("ms until a new manager after SIGKILL")
			.isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis());
		assertThat(sigtermHandover).as("ms until a new manager after SIGTERM")
			.isLessThanOrEqualTo(HANDOVER_BOUND.toMillis());
	}

	/**
	 * {@code /api/nodes} and {@code /api/nodes/{id}} reach every node. With node 3
	 * SIGSTOPped they return within the call timeout, node 3 not OK and the others OK.
	 * SIGCONT, then SIGSTOP node 3 again and SIGKILL it while a call to it is waiting:
	 * that call returns too, and so does the next.
	 */
	@Test
	void nodesAnswersWithOneNodeStoppedThenKilledMidCall() throws Exception {
		String fault = "rpc";
		// Node 3 stays a member throughout, so that it is called, not left out
		List<SampleNodeProcess> cluster = this.processes.startLinked(fault, 3, timing(Duration.ofSeconds(60)));
		SampleNodeProcess node1 = cluster.get(0);
		SampleNodeProcess node2 = cluster.get(1);
		SampleNodeProcess node3 = cluster.get(2);
		List<String> ids = cluster.stream().map(SampleNodeProcess::id).toList();
		for (SampleNodeProcess node : cluster) {
			assertThat(statuses(nodes(node))).as("/api/nodes on %s", node)
				.containsExactly(Map.entry(ids.get(cluster.indexOf(node)), "OK"),
						others(ids, cluster.indexOf(node)).get(0), others(ids, cluster.indexOf(node)).get(1));
			for (String id : ids) {
				JsonNode one = this.jsonMapper.readTree(okBody(node.get("/api/nodes/" + id, HTTP_TIMEOUT)));
				assertThat(one.path("id").asString()).isEqualTo(id);
				assertThat(one.path("status").asString()).as("/api/nodes/%s on %s", id, node).isEqualTo("OK");
			}
		}

		node3.signal("STOP");
		long stoppedAt = System.nanoTime();
		Map<String, String> whileStopped = statuses(nodes(node1));
		long whileStoppedMillis = millis(stoppedAt, System.nanoTime());
		long oneStarted = System.nanoTime();
		JsonNode oneWhileStopped = this.jsonMapper
			.readTree(okBody(node2.get("/api/nodes/" + ids.get(2), HTTP_TIMEOUT)));
		long oneWhileStoppedMillis = millis(oneStarted, System.nanoTime());

		node3.signal("CONT");
		awaitLinked(cluster, CONVERGENCE_TIMEOUT);
		await().alias("node 3 answers /api/nodes again")
			.atMost(CONVERGENCE_TIMEOUT)
			.untilAsserted(() -> assertThat(statuses(nodes(node2))).containsEntry(ids.get(2), "OK"));

		node3.signal("STOP");
		long callStarted = System.nanoTime();
		CompletableFuture<HttpResponse<String>> midCall = CompletableFuture
			.supplyAsync(() -> node2.get("/api/nodes", HTTP_TIMEOUT));
		assertThatExceptionOfType(TimeoutException.class).as("/api/nodes waits for the stopped node 3")
			.isThrownBy(() -> midCall.get(300, TimeUnit.MILLISECONDS));
		node3.signal("KILL");
		long killedAt = System.nanoTime();
		Map<String, String> killedMidCall = statuses(
				this.jsonMapper.readTree(okBody(midCall.get(HTTP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))));
		long midCallMillis = millis(callStarted, System.nanoTime());
		assertThat(node3.awaitExit(Duration.ofSeconds(10))).as("node 3 exited").isTrue();
		long afterStarted = System.nanoTime();
		Map<String, String> afterKill = statuses(nodes(node1));
		long afterKillMillis = millis(afterStarted, System.nanoTime());

		figure(fault, "stopped_node_status", whileStopped.get(ids.get(2)));
		figure(fault, "nodes_while_stopped_ms", whileStoppedMillis);
		figure(fault, "one_node_while_stopped_ms", oneWhileStoppedMillis);
		figure(fault, "one_node_while_stopped_status", oneWhileStopped.path("status").asString());
		figure(fault, "killed_mid_call_status", killedMidCall.get(ids.get(2)));
		figure(fault, "nodes_killed_mid_call_ms", midCallMillis);
		figure(fault, "kill_after_call_started_ms", millis(callStarted, killedAt));
		figure(fault, "killed_node_status", afterKill.get(ids.get(2)));
		figure(fault, "nodes_after_kill_ms", afterKillMillis);
		for (Map<String, String> statuses : List.of(whileStopped, killedMidCall, afterKill)) {
			assertThat(statuses).containsEntry(ids.get(0), "OK").containsEntry(ids.get(1), "OK");
			assertThat(statuses.get(ids.get(2))).as("node 3 in %s", statuses).isIn("TIMED_OUT", "UNREACHABLE");
		}
		assertThat(oneWhileStopped.path("status").asString()).isIn("TIMED_OUT", "UNREACHABLE");
		assertThat(oneWhileStopped.path("name").isNull()).isTrue();
		assertThat(List.of(whileStoppedMillis, oneWhileStoppedMillis, midCallMillis, afterKillMillis))
			.as("ms that /api/nodes took")
			.allSatisfy((ms) -> assertThat(ms).isLessThanOrEqualTo(NODES_TIMEOUT.plus(MARGIN).toMillis()));
	}

	private static List<Map.Entry<String, String>> others(List<String> ids, int self) {
		return ids.stream()
			.filter((id) -> !id.equals(ids.get(self)))
			.sorted()
			.map((id) -> Map.entry(id, "OK"))
			.toList();
	}

	/**
	 * The node arguments: a shared cache directory, short heartbeats and leases.
	 */
	private List<String> timing(Duration memberTimeout) {
		List<String> arguments = new ArrayList<>(this.processes.fileCache());
		arguments.addAll(List.of("--socketbox.cluster.heartbeat-interval=" + HEARTBEAT_INTERVAL.toMillis() + "ms",
				"--socketbox.cluster.heartbeat-timeout=" + HEARTBEAT_TIMEOUT.toMillis() + "ms",
				"--socketbox.cluster.refresh-interval=" + REFRESH_INTERVAL.toMillis() + "ms",
				"--socketbox.cluster.member-timeout=" + memberTimeout.toMillis() + "ms",
				"--socketbox.cluster.manager-lease-duration=" + LEASE_DURATION.toMillis() + "ms",
				"--sample.nodes-timeout=" + NODES_TIMEOUT.toMillis() + "ms"));
		return arguments;
	}

	/**
	 * Connect a client, as a user or anonymously, and return the directory entry it
	 * should have: id, node id, user.
	 */
	private Tuple connection(SampleNodeProcess node, String nodeId, @Nullable String user) throws Exception {
		ChatClient client = (user != null) ? this.processes.connect(node, user) : this.processes.connect(node);
		String id = client.next("welcome").path("connection").asString();
		return tuple(id, nodeId, user);
	}

	/**
	 * The connections a node lists, as (id, node, user); a duplicate makes the set
	 * smaller than the list, and fails.
	 */
	private static Set<Tuple> connections(SampleNodeProcess node) {
		List<Tuple> listed = node.connections()
			.path("connections")
			.valueStream()
			.map((c) -> tuple(c.path("id").asString(), c.path("node").asString(),
					c.path("user").isNull() ? null : c.path("user").asString()))
			.toList();
		Set<Tuple> set = Set.copyOf(listed);
		assertThat(set).as("connections listed by %s, each once", node).hasSameSizeAs(listed);
		return set;
	}

	private static void awaitViews(List<SampleNodeProcess> cluster, Set<Tuple> expected) {
		await().alias("every node lists " + expected)
			.atMost(CONVERGENCE_TIMEOUT)
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> {
				for (SampleNodeProcess node : cluster) {
					assertThat(connections(node)).as("connections listed by %s", node)
						.containsExactlyInAnyOrderElementsOf(expected);
				}
			});
	}

	/**
	 * Wait until the given nodes agree on one manager other than {@code previous}, which
	 * itself says it is manager while the others say they are not; every view is logged.
	 */
	private static Manager awaitAgreedManager(List<SampleNodeProcess> live, TokenLog tokens,
			@Nullable Manager previous, Duration timeout) {
		return await().alias("nodes " + live + " agree on a manager after " + previous)
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptionsInstanceOf(UncheckedIOException.class)
			.until(() -> {
				Map<SampleNodeProcess, JsonNode> views = new LinkedHashMap<>();
				for (SampleNodeProcess node : live) {
					JsonNode view = node.cluster();
					tokens.observe(node, view);
					views.put(node, view);
				}
				Set<Manager> seen = views.values()
					.stream()
					.map((view) -> view.path("manager").isNull() ? null
							: new Manager(view.path("manager").path("id").asString(),
									view.path("manager").path("token").asLong()))
					.collect(Collectors.toSet());
				if (seen.size() != 1 || seen.contains(null)) {
					return null;
				}
				Manager manager = seen.iterator().next();
				if (previous != null && manager.id().equals(previous.id())) {
					return null;
				}
				boolean claims = views.values()
					.stream()
					.allMatch((view) -> view.path("isManager").asBoolean() == view.path("id")
						.asString()
						.equals(manager.id()));
				boolean managerLive = views.values()
					.stream()
					.anyMatch((view) -> view.path("id").asString().equals(manager.id()));
				return (claims && managerLive) ? manager : null;
			}, Objects::nonNull);
	}

	private static Map<String, String> statuses(JsonNode nodes) {
		Map<String, String> statuses = new LinkedHashMap<>();
		nodes.path("nodes").values().forEach((node) -> {
			assertThat(statuses.put(node.path("id").asString(), node.path("status").asString()))
				.as("node %s listed once", node.path("id").asString())
				.isNull();
			if (!"OK".equals(node.path("status").asString())) {
				assertThat(node.path("name").isNull()).as("name of a node that did not answer").isTrue();
				assertThat(node.path("connections").isNull()).isTrue();
			}
		});
		return statuses;
	}

	private JsonNode nodes(SampleNodeProcess node) {
		return this.jsonMapper.readTree(okBody(node.get("/api/nodes", HTTP_TIMEOUT)));
	}

	private static String okBody(HttpResponse<String> response) {
		assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(200);
		return response.body();
	}

	private static SampleNodeProcess nodeWithId(List<SampleNodeProcess> nodes, String id) {
		return nodes.stream()
			.filter((node) -> node.id().equals(id))
			.findFirst()
			.orElseThrow();
	}

	private static List<SampleNodeProcess> without(List<SampleNodeProcess> nodes, SampleNodeProcess node) {
		return nodes.stream().filter((other) -> other != node).toList();
	}

	/**
	 * A manager as a node reported it.
	 *
	 * @param id its node id
	 * @param token its fencing token
	 */
	private record Manager(String id, long token) {

	}

	/**
	 * Every manager and token any node reported: each token names one manager, and each
	 * token seen for the first time is larger than every token seen before.
	 */
	private static final class TokenLog {

		private final Map<Long, String> managers = new LinkedHashMap<>();

		synchronized void observe(SampleNodeProcess node, JsonNode view) {
			JsonNode manager = view.path("manager");
			if (manager.isNull() || manager.isMissingNode()) {
				return;
			}
			long token = manager.path("token").asLong();
			String id = manager.path("id").asString();
			String earlier = this.managers.get(token);
			if (earlier != null) {
				assertThat(id).as("manager with token %s reported by %s", token, node).isEqualTo(earlier);
				return;
			}
			long highest = this.managers.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
			assertThat(token).as("new token reported by %s (manager %s) after %s", node, id, this.managers)
				.isGreaterThan(highest);
			this.managers.put(token, id);
		}

		synchronized List<Long> inOrder() {
			return List.copyOf(this.managers.keySet());
		}

	}

}

package io.socketbox.spring.internal.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.NodeProcess;

import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes whose wall clocks are two minutes behind and ahead, in processes of their own
 * under libfaketime (the Debian package faketime, which CI installs), still join, and
 * are still expired when they die: membership never compares the clocks of two nodes.
 * A clock behind breaks stores with absolute expiry times for joining (entries look
 * expired to the others); a clock ahead breaks them for expiry (a dead node's entry
 * lives on).
 */
class ClockSkewTests {

	private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private final Path logs = Path.of("target", "process-logs");

	@BeforeEach
	void requireFaketime() throws Exception {
		assumeThat(LIBFAKETIME).as("libfaketime (Debian package faketime)").exists();
		Files.createDirectories(this.logs);
		this.nodes = new ClusterNodes(redis.getPort(), "skew:");
	}

	@AfterEach
	void stopNodes() {
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	@Test
	void nodesWithSkewedClocksJoinAndExpireWhenTheyDie() throws Exception {
		Node local = this.nodes.start();
		CompletableFuture<NodeProcess> behindStart = CompletableFuture.supplyAsync(() -> startSkewed("-2m"));
		CompletableFuture<NodeProcess> aheadStart = CompletableFuture.supplyAsync(() -> startSkewed("+2m"));
		try (NodeProcess behind = behindStart.join(); NodeProcess ahead = aheadStart.join()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> local.cluster().getMembers().size() == 2
					&& local.cluster().getMembers().stream().allMatch((member) -> member.link() == LinkState.UP));
			String behindId = memberOnPort(local, behind.port());
			String aheadId = memberOnPort(local, ahead.port());
			behind.kill();
			ahead.kill();
			long killedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !local.memberIds().contains(behindId) && !local.memberIds().contains(aheadId));
			System.out.printf("SKEW clocks=-2m,+2m removed_after_kill_ms=%d (member-timeout 2000 ms)%n",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
		}
		finally {
			behindStart.thenAccept(NodeProcess::close);
			aheadStart.thenAccept(NodeProcess::close);
		}
	}

	private NodeProcess startSkewed(String offset) {
		Path log = this.logs.resolve("node" + offset + ".log");
		return NodeProcess.start(log,
				// Without the monotonic fix, timed waits of a JVM under libfaketime stall
				Map.of("LD_PRELOAD", LIBFAKETIME.toString(), "FAKETIME", offset, "FAKETIME_DONT_FAKE_MONOTONIC", "1",
						"FAKETIME_FORCE_MONOTONIC_FIX", "1"),
				List.of("socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + ClusterNodes.SECRET,
						"socketbox.cluster.host=127.0.0.1", "socketbox.cluster.cache-prefix=skew:",
						"socketbox.cluster.refresh-interval=200ms", "socketbox.cluster.member-timeout=2s",
						"socketbox.cache.type=redis", "spring.data.redis.host=127.0.0.1",
						"spring.data.redis.port=" + redis.getPort()));
	}

	private static String memberOnPort(Node node, int port) {
		return node.cluster()
			.getMembers()
			.stream()
			.filter((member) -> member.name().contains(":" + port + "/"))
			.findFirst()
			.orElseThrow()
			.id();
	}

}

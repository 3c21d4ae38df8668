package io.socketbox.spring.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedis;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.NodeProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes whose wall clocks are two minutes off, in processes of their own under
 * libfaketime (installed by CI), still join, and are still expired when they die:
 * membership never compares the clocks of two nodes.
 */
class ClockSkewTests {

	private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

	private static EmbeddedRedis redis;

	private ClusterNodes nodes;

	private final Path logs = Path.of("target", "process-logs");

	@BeforeAll
	static void startRedis() {
		redis = EmbeddedRedis.startNew();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

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
		try (NodeProcess behind = startSkewed("-2m"); NodeProcess ahead = startSkewed("+2m")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> local.cluster().getMembers().size() == 2
					&& local.cluster().getMembers().stream().allMatch((m) -> m.link().name().equals("UP")));
			String behindId = memberOnPort(local, behind.port());
			behind.kill();
			long killedAt = System.nanoTime();
			await().atMost(Duration.ofSeconds(10)).until(() -> !local.memberIds().contains(behindId));
			long removedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
			System.out.printf("SKEW clock=-2m removed_after_kill_ms=%d (member-timeout 2000 ms)%n", removedAfter);
			assertThat(local.memberIds()).hasSize(1);
		}
	}

	private NodeProcess startSkewed(String offset) {
		Path log = this.logs.resolve("node" + offset + ".log");
		return NodeProcess.start(log,
				Map.of("LD_PRELOAD", LIBFAKETIME.toString(), "FAKETIME", offset, "FAKETIME_DONT_FAKE_MONOTONIC", "1"),
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

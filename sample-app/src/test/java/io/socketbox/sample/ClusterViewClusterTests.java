package io.socketbox.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The cluster view of two nodes in cluster mode, each a Spring Boot application in this
 * JVM on its own port, sharing a cache directory: every node lists every connection with
 * its user, and {@code /api/nodes} on either node lists both, with the one manager that
 * {@code /api/cluster} names.
 */
class ClusterViewClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final JsonMapper jsonMapper = JsonMapper.shared();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@TempDir
	Path cacheDirectory;

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void everyNodeListsEveryConnectionAndBothNodesWithOneManager() {
		int portA = start();
		int portB = start();
		JsonNode clusterA = get(portA, "/api/cluster");
		JsonNode clusterB = get(portB, "/api/cluster");
		String idA = clusterA.path("id").asString();
		String idB = clusterB.path("id").asString();
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(get(portA, "/api/cluster").path("members").values()).extracting((m) -> m.path("link").asString())
				.containsExactly("UP");
			assertThat(get(portB, "/api/cluster").path("members").values()).extracting((m) -> m.path("link").asString())
				.containsExactly("UP");
		});
		try (ChatClient alice = ChatClient.connect(this.jsonMapper, portA, "alice");
				ChatClient bob = ChatClient.connect(this.jsonMapper, portB, "bob");
				ChatClient anonymous = ChatClient.connect(this.jsonMapper, portB)) {
			String aliceId = alice.next("welcome").path("connection").asString();
			String bobId = bob.next("welcome").path("connection").asString();
			String anonymousId = anonymous.next("welcome").path("connection").asString();
			for (int port : new int[] { portA, portB }) {
				await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get(port, "/api/connections")
					.path("connections")
					.values())
					.extracting((c) -> c.path("id").asString(), (c) -> c.path("node").asString(),
							(c) -> c.path("user").isNull() ? null : c.path("user").asString())
					.containsExactlyInAnyOrder(tuple(aliceId, idA, "alice"), tuple(bobId, idB, "bob"),
							tuple(anonymousId, idB, null)));
			}
			await().atMost(TIMEOUT).untilAsserted(() -> {
				JsonNode viewA = get(portA, "/api/cluster");
				JsonNode viewB = get(portB, "/api/cluster");
				String manager = viewA.path("manager").path("id").asString();
				assertThat(manager).isIn(idA, idB);
				assertThat(viewB.path("manager").path("id").asString()).isEqualTo(manager);
				assertThat(viewA.path("manager").path("token").asLong()).isPositive()
					.isEqualTo(viewB.path("manager").path("token").asLong());
				assertThat(viewA.path("isManager").asBoolean()).isEqualTo(manager.equals(idA));
				assertThat(viewB.path("isManager").asBoolean()).isEqualTo(manager.equals(idB));
				for (int port : new int[] { portA, portB }) {
					assertThat(get(port, "/api/nodes").path("nodes").values())
						.extracting((n) -> n.path("id").asString(), (n) -> n.path("status").asString(),
								(n) -> n.path("manager").asBoolean(), (n) -> n.path("connections").asInt())
						.containsExactlyInAnyOrder(tuple(idA, "OK", manager.equals(idA), 1),
								tuple(idB, "OK", manager.equals(idB), 2));
				}
			});
			JsonNode b = get(portA, "/api/nodes/" + idB);
			assertThat(b.path("id").asString()).isEqualTo(idB);
			assertThat(b.path("name").asString()).isEqualTo(clusterB.path("name").asString());
			assertThat(b.path("status").asString()).isEqualTo("OK");
			assertThat(get(portA, "/api/nodes").path("nodes").get(0).path("id").asString())
				.as("this node first").isEqualTo(idA);
		}
	}

	private int start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
					"--socketbox.cluster.enabled=true", "--socketbox.cluster.refresh-interval=200ms",
					"--socketbox.cluster.member-timeout=2s",
					"--socketbox.cache.file.directory=" + this.cacheDirectory);
		this.nodes.add(context);
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private JsonNode get(int port, String path) {
		return this.jsonMapper
			.readTree(RestClient.create("http://127.0.0.1:" + port).get().uri(path).retrieve().body(String.class));
	}

}

package io.socketbox.sample;

import java.time.Duration;
import java.util.List;

import io.socketbox.spring.SocketBoxCluster;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The cluster view of a single node: {@code /api/connections} with the demo's
 * {@code ?user=} principal, {@code /api/nodes} and {@code /api/nodes/{id}} over cluster
 * RPC, and the manager in {@code /api/cluster}, through real WebSocket connections and
 * HTTP calls.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "socketbox.cluster.enabled=false")
class ClusterViewTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper jsonMapper;

	@Autowired
	private SocketBoxCluster cluster;

	@Test
	void connectionsListTheUserNamedAtTheHandshakeAndNullWhenAnonymous() {
		try (ChatClient alice = ChatClient.connect(this.jsonMapper, this.port, "alice");
				ChatClient anonymous = ChatClient.connect(this.jsonMapper, this.port)) {
			String aliceId = alice.next("welcome").path("connection").asString();
			String anonymousId = anonymous.next("welcome").path("connection").asString();
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(connections())
				.extracting((connection) -> connection.path("id").asString(),
						(connection) -> connection.path("node").asString(),
						(connection) -> connection.path("user").isNull() ? null : connection.path("user").asString())
				.contains(tuple(aliceId, this.cluster.getNodeId(), "alice"),
						tuple(anonymousId, this.cluster.getNodeId(), null)));
			JsonNode anonymousEntry = connections().stream()
				.filter((connection) -> connection.path("id").asString().equals(anonymousId))
				.findFirst()
				.orElseThrow();
			assertThat(anonymousEntry.has("user")).as("user present as null in %s", anonymousEntry).isTrue();
			assertThat(anonymousEntry.path("user").isNull()).isTrue();
		}
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(connections()).isEmpty());
	}

	@Test
	void aBadUserIsRefusedAtTheHandshakeWith400AndAReason() {
		for (String query : List.of("user=", "user=" + "a".repeat(DemoUser.MAX_LENGTH + 1), "user=al%20ice",
				"user=%3Cscript%3E", "user=%C3%A9", "user=bob&user=carol", "user=%E0%A4%A", "user=%zz")) {
			Handshake handshake = Handshake.attempt(this.port, query);
			assertThat(handshake.status()).as("status for ?%s", query).isEqualTo(400);
			assertThat(handshake.text()).as("reason for ?%s", query).startsWith("The ").contains("query");
		}
		assertThat(Handshake.attempt(this.port, "user=" + "a".repeat(DemoUser.MAX_LENGTH)).status()).isEqualTo(101);
		assertThat(Handshake.attempt(this.port, "user=Al.ice_-9&room=1").status()).isEqualTo(101);
		assertThat(Handshake.attempt(this.port, "room=1").status()).isEqualTo(101);
	}

	@Test
	void nodesListThisNodeAsManagerWithItsConnections() {
		try (ChatClient alice = ChatClient.connect(this.jsonMapper, this.port, "alice")) {
			alice.next("welcome");
			JsonNode nodes = get("/api/nodes").path("nodes");
			assertThat(nodes.values()).hasSize(1);
			JsonNode node = nodes.get(0);
			assertThat(node.path("id").asString()).isEqualTo(this.cluster.getNodeId());
			assertThat(node.path("name").asString()).isEqualTo(this.cluster.getNodeName());
			assertThat(node.path("status").asString()).isEqualTo("OK");
			assertThat(node.path("manager").asBoolean()).isTrue();
			assertThat(node.path("connections").asInt()).isEqualTo(1);
			assertThat(Duration.parse(node.path("uptime").asString())).isPositive();

			JsonNode one = get("/api/nodes/" + this.cluster.getNodeId());
			assertThat(one.path("id").asString()).isEqualTo(this.cluster.getNodeId());
			assertThat(one.path("status").asString()).isEqualTo("OK");
			assertThat(one.path("connections").asInt()).isEqualTo(1);
		}
	}

	@Test
	void anUnknownNodeIs404() {
		HttpStatusCode status = restClient().get()
			.uri("/api/nodes/no-such-node")
			.exchange((request, response) -> response.getStatusCode());
		assertThat(status.value()).isEqualTo(404);
	}

	@Test
	void clusterNamesThisNodeAsManager() {
		JsonNode cluster = get("/api/cluster");
		assertThat(cluster.path("isManager").asBoolean()).isTrue();
		assertThat(cluster.path("manager").path("id").asString()).isEqualTo(this.cluster.getNodeId());
		assertThat(cluster.path("manager").path("name").asString()).isEqualTo(this.cluster.getNodeName());
		assertThat(cluster.path("manager").path("token").asLong()).isEqualTo(1);
	}

	private List<JsonNode> connections() {
		return List.copyOf(get("/api/connections").path("connections").values());
	}

	private JsonNode get(String path) {
		return this.jsonMapper.readTree(restClient().get().uri(path).retrieve().body(String.class));
	}

	private RestClient restClient() {
		return RestClient.create("http://127.0.0.1:" + this.port);
	}

}

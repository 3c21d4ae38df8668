package io.socketbox.sample;

import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxMessaging;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's own configuration exposes, on its server port, the health with the
 * {@code socketbox} component and its details, the readiness group a load balancer
 * calls, the {@code socketbox} endpoint and the Prometheus scrape with the SocketBox
 * meters.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "socketbox.cache.file.directory=${java.io.tmpdir}/socketbox-sample-tests-${random.uuid}")
class ActuatorTests {

	@LocalServerPort
	private int port;

	@Autowired
	private SocketBoxCluster cluster;

	@Autowired
	private SocketBoxMessaging messaging;

	@Test
	void healthShowsTheSocketBoxComponentWithDetails() {
		ResponseEntity<String> response = get("/actuator/health");
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		JsonNode health = JsonMapper.shared().readTree(response.getBody());
		assertThat(health.path("status").asString()).isEqualTo("UP");
		JsonNode socketbox = health.path("components").path("socketbox");
		assertThat(socketbox.path("status").asString()).isEqualTo("UP");
		assertThat(socketbox.path("details").path("nodeName").asString()).isEqualTo(this.cluster.getNodeName());
		assertThat(socketbox.path("details").path("cache").asString()).isEqualTo("reachable");
		assertThat(health.path("components").has("redis")).as("Redis is not the sample's cache").isFalse();
	}

	@Test
	void readinessGroupIncludesSocketBox() {
		ResponseEntity<String> response = get("/actuator/health/readiness");
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		JsonNode components = JsonMapper.shared().readTree(response.getBody()).path("components");
		assertThat(components.has("socketbox")).isTrue();
		assertThat(components.has("readinessState")).isTrue();
	}

	@Test
	void socketBoxEndpointShowsThisNode() {
		JsonNode body = JsonMapper.shared().readTree(get("/actuator/socketbox").getBody());
		assertThat(body.path("node").path("id").asString()).isEqualTo(this.cluster.getNodeId());
		assertThat(body.path("node").path("clusterEnabled").asBoolean()).isTrue();
		assertThat(body.path("connections").path("local").isInt()).isTrue();
	}

	@Test
	void prometheusShowsTheSocketBoxMeters() {
		this.messaging.broadcast("counted");
		String scrape = get("/actuator/prometheus").getBody();
		assertThat(scrape).contains("socketbox_connections ")
			.contains("socketbox_members{state=\"up\"}")
			.contains("socketbox_messages_dropped_total ")
			.contains("socketbox_clients_closed_total{reason=\"too-big\"}")
			.containsPattern("socketbox_messages_total\\{direction=\"sent\",kind=\"broadcast\"} [1-9]");
	}

	private ResponseEntity<String> get(String path) {
		return RestClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri(path)
			.retrieve()
			.onStatus((status) -> true, (request, response) -> {
			})
			.toEntity(String.class);
	}

}

package io.socketbox.spring.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.FailableCache;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two cluster nodes with Spring Boot's Actuator, sharing a real Redis server: the
 * {@code socketbox} health component and endpoint read over HTTP, and the meters read
 * from the application's real {@link MeterRegistry}.
 */
class SocketBoxActuatorIntegrationTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private static final String[] ACTUATOR = { "management.endpoints.web.exposure.include=health,socketbox",
			"management.endpoint.health.show-details=always", "socketbox.cluster.heartbeat-interval=200ms",
			"socketbox.max-text-message-size=1KB" };

	private final HttpClient http = HttpClient.newHttpClient();

	private ClusterNodes nodes;

	@BeforeEach
	void prepare(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":",
				ACTUATOR);
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void healthIsUpWithEveryMemberLinkedAndTheCacheReachable() {
		Node node1 = this.nodes.start();
		Node node2 = this.nodes.start();
		awaitLinked(node1, node2);
		HttpResponse<String> response = get(node1, "/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode socketbox = json(response).path("components").path("socketbox");
		assertThat(socketbox.path("status").asString()).isEqualTo("UP");
		JsonNode details = socketbox.path("details");
		assertThat(details.path("nodeId").asString()).isEqualTo(node1.id());
		assertThat(details.path("nodeName").asString()).isEqualTo(node1.cluster().getNodeName());
		assertThat(details.path("cache").asString()).isEqualTo("reachable");
		assertThat(details.path("acceptingBrowsers").asBoolean()).isTrue();
		JsonNode members = details.path("members");
		assertThat(members.size()).isOne();
		assertThat(members.get(0).path("id").asString()).isEqualTo(node2.id());
		assertThat(members.get(0).path("name").asString()).isEqualTo(node2.cluster().getNodeName());
		assertThat(members.get(0).path("link").asString()).isEqualTo("UP");
	}

	@Test
	void healthIsDegradedWhileAMembersLinkIsNotUpAndTheAggregateStaysUp() {
		Node node1 = this.nodes.start();
		// Registers in the same cache, but cannot prove itself: its link never comes up
		Node stranger = this.nodes.start("socketbox.cluster.secret-key=another-secret-0123456789-abcdefghijk");
		await().atMost(Duration.ofSeconds(10)).until(() -> node1.memberIds().contains(stranger.id()));
		HttpResponse<String> response = get(node1, "/actuator/health");
		JsonNode health = json(response);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(health.path("status").asString()).isEqualTo("UP");
		JsonNode socketbox = health.path("components").path("socketbox");
		assertThat(socketbox.path("status").asString()).isEqualTo("DEGRADED");
		JsonNode member = socketbox.path("details").path("members").get(0);
		assertThat(member.path("id").asString()).isEqualTo(stranger.id());
		assertThat(member.path("link").asString()).isNotEqualTo("UP");
	}

	@Test
	void healthIsDegradedWhileTheCacheIsUnreachable() {
		Node node1 = this.nodes.start("test.cache=failable-redis");
		assertThat(healthOf(node1).path("status").asString()).isEqualTo("UP");
		node1.context().getBean(FailableCache.class).setFailing(true);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "unreachable".equals(healthOf(node1).path("details").path("cache").asString()));
		assertThat(healthOf(node1).path("status").asString()).isEqualTo("DEGRADED");
		node1.context().getBean(FailableCache.class).setFailing(false);
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(healthOf(node1).path("status").asString()));
	}

	@Test
	void endpointShowsTheNodeItsMembersAndItsFigures() {
		Node node1 = this.nodes.start();
		Node node2 = this.nodes.start();
		awaitLinked(node1, node2);
		ConnectedClient local = node1.connect("ann");
		ConnectedClient remote = node2.connect("bob");
		node1.messaging().broadcast("hello");
		remote.client().awaitMessageStartingWith("hello");
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			JsonNode members = json(get(node1, "/actuator/socketbox")).path("members");
			return members.size() == 1 && members.get(0).path("heartbeatRoundTripMillis").isNumber();
		});
		await().atMost(Duration.ofSeconds(10))
			.until(() -> json(get(node1, "/actuator/socketbox")).path("connections").path("cluster").asInt() == 2);
		HttpResponse<String> response = get(node1, "/actuator/socketbox");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = json(response);
		assertThat(body.path("node").path("id").asString()).isEqualTo(node1.id());
		assertThat(body.path("node").path("name").asString()).isEqualTo(node1.cluster().getNodeName());
		assertThat(body.path("node").path("clusterEnabled").asBoolean()).isTrue();
		JsonNode member = body.path("members").get(0);
		assertThat(member.path("id").asString()).isEqualTo(node2.id());
		assertThat(member.path("link").asString()).isEqualTo("UP");
		assertThat(member.path("heartbeatRoundTripMillis").asDouble()).isPositive().isLessThan(5000);
		assertThat(member.path("resendBufferBytes").isIntegralNumber()).isTrue();
		assertThat(body.path("connections").path("local").asInt()).isOne();
		assertThat(body.path("droppedMessages").asLong()).isZero();
		assertThat(body.path("messages").path("broadcastsSent").asLong()).isOne();
		JsonNode received = json(get(node2, "/actuator/socketbox")).path("messages");
		assertThat(received.path("broadcastsReceived").asLong()).isOne();
		local.client().close();
		remote.client().close();
	}

	@Test
	void metersCountConnectionsMembersMessagesRoundTripsAndClosedBrowsers() throws Exception {
		Node node1 = this.nodes.start();
		Node node2 = this.nodes.start();
		awaitLinked(node1, node2);
		MeterRegistry registry1 = node1.context().getBean(MeterRegistry.class);
		MeterRegistry registry2 = node2.context().getBean(MeterRegistry.class);
		ConnectedClient local = node1.connect(null);
		ConnectedClient remote = node2.connect("bob");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> node1.context().getBean(SocketBoxDirectory.class).isOnline("bob"));
		assertThat(registry1.get("socketbox.connections").gauge().value()).isOne();
		assertThat(registry1.get("socketbox.members").tag("state", "up").gauge().value()).isOne();
		assertThat(registry1.get("socketbox.members").tag("state", "down").gauge().value()).isZero();

		node1.messaging().broadcast("to all");
		remote.client().awaitMessageStartingWith("to all");
		assertThat(node1.messaging().send(remote.id(), "to one").get()).hasToString("DELIVERED");
		remote.client().awaitMessageStartingWith("to one");
		assertThat(node1.messaging().sendToUser("bob", "to a user").get()).isOne();
		assertThat(counter(registry1, "broadcast", "sent")).isOne();
		assertThat(counter(registry1, "direct", "sent")).isOne();
		assertThat(counter(registry1, "user", "sent")).isOne();
		assertThat(counter(registry1, "broadcast", "received")).isZero();
		assertThat(counter(registry2, "broadcast", "received")).isOne();
		assertThat(counter(registry2, "direct", "received")).isOne();
		assertThat(counter(registry2, "user", "received")).isOne();
		assertThat(registry1.get("socketbox.messages.dropped").functionCounter().count()).isZero();
		assertThat(registry1.get("socketbox.direct.round.trip").timer().count()).isOne();

		String peer2 = node2.cluster().getNodeName();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry1.find("socketbox.peer.heartbeat.round.trip").tag("peer", peer2).timer() != null
					&& registry1.get("socketbox.peer.heartbeat.round.trip").tag("peer", peer2).timer().count() > 0);
		assertThat(registry1.get("socketbox.peer.resend.buffer").tag("peer", peer2).gauge().value())
			.isGreaterThanOrEqualTo(0);

		// A message past socketbox.max-text-message-size, then a binary message
		ConnectedClient tooBig = node1.connect(null);
		tooBig.client().send("x".repeat(2048));
		assertThat(tooBig.client().awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		ConnectedClient binary = node1.connect(null);
		binary.client().session().sendMessage(new BinaryMessage(ByteBuffer.wrap(new byte[] { 1, 2, 3 })));
		assertThat(binary.client().awaitClose().getCode()).isEqualTo(CloseStatus.NOT_ACCEPTABLE.getCode());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> closed(registry1, "too-big") == 1 && closed(registry1, "protocol-error") == 1);
		assertThat(closed(registry1, "slow")).isZero();
		local.client().close();
		remote.client().close();
	}

	@Test
	void membersGoneLoseTheirPeerMeters() {
		Node node1 = this.nodes.start();
		Node node2 = this.nodes.start();
		awaitLinked(node1, node2);
		MeterRegistry registry1 = node1.context().getBean(MeterRegistry.class);
		String peer2 = node2.cluster().getNodeName();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry1.find("socketbox.peer.heartbeat.round.trip").tag("peer", peer2).timer() != null);
		node2.stop();
		Node node3 = this.nodes.start();
		awaitLinked(node1, node3);
		String peer3 = node3.cluster().getNodeName();
		// The third node's name is another port on the same address
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry1.find("socketbox.peer.heartbeat.round.trip").tag("peer", peer3).timer() != null
					&& registry1.find("socketbox.peer.heartbeat.round.trip").tag("peer", peer2).timer() == null
					&& registry1.find("socketbox.peer.resend.buffer").tag("peer", peer2).gauge() == null);
		assertThat(registry1.find("socketbox.peer.resend.buffer").tag("peer", peer3).gauge()).isNotNull();
	}

	private static double counter(MeterRegistry registry, String kind, String direction) {
		return registry.get("socketbox.messages").tag("kind", kind).tag("direction", direction).functionCounter().count();
	}

	private static double closed(MeterRegistry registry, String reason) {
		return registry.get("socketbox.clients.closed").tag("reason", reason).functionCounter().count();
	}

	private static void awaitLinked(Node a, Node b) {
		await().atMost(Duration.ofSeconds(10)).until(() -> a.isLinkedTo(b) && b.isLinkedTo(a));
	}

	private JsonNode healthOf(Node node) {
		return json(get(node, "/actuator/health")).path("components").path("socketbox");
	}

	private HttpResponse<String> get(Node node, String path) {
		try {
			return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException("GET " + path + " failed", ex);
		}
	}

	private static JsonNode json(HttpResponse<String> response) {
		return JsonMapper.shared().readTree(response.body());
	}

}

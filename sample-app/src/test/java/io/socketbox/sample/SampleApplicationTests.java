package io.socketbox.sample;

import java.nio.charset.StandardCharsets;

import io.socketbox.spring.SocketBoxCluster;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat on a single node, through real WebSocket connections and HTTP calls.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "socketbox.cluster.enabled=false")
class SampleApplicationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private JsonMapper jsonMapper;

	@Autowired
	private SocketBoxCluster cluster;

	@Test
	void welcomesEachConnectionWithItsIdAndNode() throws Exception {
		try (ChatClient client = connect()) {
			JsonNode welcome = client.next("welcome");
			assertThat(welcome.path("connection").asString()).startsWith(this.cluster.getNodeId() + ".");
			assertThat(welcome.path("node").asString())
				.isEqualTo("ws://127.0.0.1:" + this.port + "/socketbox/cluster")
				.isEqualTo(this.cluster.getNodeName());
		}
	}

	@Test
	void chatReachesEveryConnection() throws Exception {
		try (ChatClient alice = connect(); ChatClient bob = connect()) {
			String aliceId = alice.next("welcome").path("connection").asString();
			bob.next("welcome");
			alice.send("{\"type\":\"chat\",\"text\":\"hello\"}");
			for (ChatClient client : new ChatClient[] { alice, bob }) {
				JsonNode chat = client.next("chat");
				assertThat(chat.path("from").asString()).isEqualTo(aliceId);
				assertThat(chat.path("node").asString()).isEqualTo(this.cluster.getNodeName());
				assertThat(chat.path("text").asString()).isEqualTo("hello");
			}
		}
	}

	@Test
	void directMessageReachesOnlyItsTarget() throws Exception {
		try (ChatClient alice = connect(); ChatClient bob = connect(); ChatClient carol = connect()) {
			String aliceId = alice.next("welcome").path("connection").asString();
			String bobId = bob.next("welcome").path("connection").asString();
			carol.next("welcome");
			alice.send("{\"type\":\"direct\",\"to\":\"" + bobId + "\",\"text\":\"psst\"}");
			JsonNode direct = bob.next("direct");
			assertThat(direct.path("from").asString()).isEqualTo(aliceId);
			assertThat(direct.path("text").asString()).isEqualTo("psst");
			// Had the direct message leaked, it would come before this chat
			bob.send("{\"type\":\"chat\",\"text\":\"marker\"}");
			assertThat(alice.next("chat").path("text").asString()).isEqualTo("marker");
			assertThat(carol.next("chat").path("text").asString()).isEqualTo("marker");
		}
	}

	@Test
	void directMessageToUnknownConnectionReportsTheResult() throws Exception {
		try (ChatClient alice = connect()) {
			alice.next("welcome");
			String gone = this.cluster.getNodeId() + ".999999";
			alice.send("{\"type\":\"direct\",\"to\":\"" + gone + "\",\"text\":\"anyone?\"}");
			assertThat(alice.next("error").path("message").asString()).contains(gone).contains("UNKNOWN_CONNECTION");
		}
	}

	@Test
	void malformedFramesGetAnErrorAndTheConnectionStaysOpen() throws Exception {
		try (ChatClient alice = connect()) {
			alice.next("welcome");
			for (String frame : new String[] { "not json", "[1,2]", "null", "{\"text\":\"no type\"}",
					"{\"type\":\"shout\",\"text\":\"hi\"}", "{\"type\":\"chat\"}",
					"{\"type\":\"direct\",\"text\":\"to nobody\"}" }) {
				alice.send(frame);
				assertThat(alice.next("error").path("message").asString()).as("error for %s", frame).isNotBlank();
			}
			assertThat(alice.isOpen()).isTrue();
			alice.send("{\"type\":\"chat\",\"text\":\"still here\"}");
			assertThat(alice.next("chat").path("text").asString()).isEqualTo("still here");
		}
	}

	@Test
	void broadcastEndpointSendsAServerChatToEveryConnection() throws Exception {
		try (ChatClient alice = connect(); ChatClient bob = connect()) {
			alice.next("welcome");
			bob.next("welcome");
			ResponseEntity<Void> response = restClient().post()
				.uri("/api/broadcast")
				.contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
				.body("maintenance at 5 – ünïcode")
				.retrieve()
				.toBodilessEntity();
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			for (ChatClient client : new ChatClient[] { alice, bob }) {
				JsonNode chat = client.next("chat");
				assertThat(chat.path("from").asString()).isEqualTo("server");
				assertThat(chat.path("node").asString()).isEqualTo(this.cluster.getNodeName());
				assertThat(chat.path("text").asString()).isEqualTo("maintenance at 5 – ünïcode");
			}
		}
	}

	@Test
	void clusterEndpointDescribesThisNode() {
		JsonNode body = this.jsonMapper.readTree(restClient().get().uri("/api/cluster").retrieve().body(String.class));
		assertThat(body.path("id").asString()).isEqualTo(this.cluster.getNodeId());
		assertThat(body.path("name").asString()).isEqualTo(this.cluster.getNodeName());
		assertThat(body.path("members").isArray()).isTrue();
		assertThat(body.path("members")).isEmpty();
	}

	@Test
	void statsEndpointCountsDroppedMessages() {
		JsonNode body = this.jsonMapper.readTree(restClient().get().uri("/api/stats").retrieve().body(String.class));
		assertThat(body.path("id").asString()).isEqualTo(this.cluster.getNodeId());
		assertThat(body.path("droppedMessages").isIntegralNumber()).isTrue();
		assertThat(body.path("droppedMessages").asLong()).isZero();
	}

	@Test
	void statsEndpointCountsOpenConnectionsAndClientsCutOff() throws Exception {
		try (ChatClient client = connect()) {
			client.next("welcome");
			JsonNode body = this.jsonMapper
				.readTree(restClient().get().uri("/api/stats").retrieve().body(String.class));
			assertThat(body.path("localConnections").asInt()).isPositive();
			assertThat(body.path("slowClientsClosed").isIntegralNumber()).isTrue();
			assertThat(body.path("slowClientsClosed").asLong()).isZero();
			assertThat(body.path("failedClientsClosed").isIntegralNumber()).isTrue();
		}
	}

	private ChatClient connect() throws Exception {
		return ChatClient.connect(this.jsonMapper, this.port);
	}

	private RestClient restClient() {
		return RestClient.create("http://127.0.0.1:" + this.port);
	}

}

package io.socketbox.sample;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import org.springframework.web.socket.CloseStatus;

import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sample as a cluster of three JVM processes that find each other through a
 * shared cache directory, driven over real HTTP and WebSocket connections. Run by
 * Failsafe once {@code sample-app.jar} is built; each node logs to
 * {@code target/process-it/cluster-node-N.log}.
 */
class SampleClusterProcessIT {

	private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

	@RegisterExtension
	final ProcessCluster processes = new ProcessCluster();

	@Test
	void nodesInSeparateProcessesFormOneChat() throws Exception {
		List<SampleNodeProcess> nodes = this.processes.startLinked("cluster", 3, this.processes.fileCache());
		SampleNodeProcess node1 = nodes.get(0);
		SampleNodeProcess node2 = nodes.get(1);
		SampleNodeProcess node3 = nodes.get(2);
		String node1Name = node1.cluster().path("name").asString();
		String node2Name = node2.cluster().path("name").asString();

		ChatClient client1 = this.processes.connect(node1);
		ChatClient client2 = this.processes.connect(node2);
		ChatClient client3 = this.processes.connect(node3);
		String id1 = welcome(client1, node1);
		welcome(client2, node2);
		String id3 = welcome(client3, node3);
		List<ChatClient> all = List.of(client1, client2, client3);

		client1.send(chat("hello from node 1"));
		for (ChatClient client : all) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo(id1);
			assertThat(chat.path("node").asString()).isEqualTo(node1Name);
			assertThat(chat.path("text").asString()).isEqualTo("hello from node 1");
		}
		// A copy of the chat would come before this marker on the same links
		client1.send(chat("marker 1"));
		assertNextChat(all, "marker 1");

		client3.send("{\"type\":\"direct\",\"to\":\"" + id1 + "\",\"text\":\"psst\"}");
		JsonNode direct = client1.next("direct");
		assertThat(direct.path("from").asString()).isEqualTo(id3);
		assertThat(direct.path("text").asString()).isEqualTo("psst");
		// Had the direct message leaked, or been reported undelivered, it would come first
		client1.send(chat("marker 2"));
		assertNextChat(all, "marker 2");

		assertThat(node2.broadcast("maintenance at 5")).isEqualTo(202);
		for (ChatClient client : all) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo("server");
			assertThat(chat.path("node").asString()).isEqualTo(node2Name);
			assertThat(chat.path("text").asString()).isEqualTo("maintenance at 5");
		}

		node3.stop();
		awaitLinked(List.of(node1, node2), LEAVE_TIMEOUT);
		assertThat(client3.awaitClose().getCode()).as("close code for node 3's client")
			.isEqualTo(CloseStatus.GOING_AWAY.getCode());
		assertThat(node3.awaitExit(EXIT_TIMEOUT)).as("node 3 exited").isTrue();

		client1.send(chat("after node 3 left"));
		for (ChatClient client : List.of(client1, client2)) {
			JsonNode chat = client.next("chat");
			assertThat(chat.path("from").asString()).isEqualTo(id1);
			assertThat(chat.path("text").asString()).isEqualTo("after node 3 left");
		}
	}

	private static String welcome(ChatClient client, SampleNodeProcess node) throws Exception {
		JsonNode cluster = node.cluster();
		JsonNode welcome = client.next("welcome");
		assertThat(welcome.path("node").asString()).isEqualTo(cluster.path("name").asString());
		String connection = welcome.path("connection").asString();
		assertThat(connection).startsWith(cluster.path("id").asString() + ".");
		return connection;
	}

	private static void assertNextChat(List<ChatClient> clients, String text) throws Exception {
		for (ChatClient client : clients) {
			assertThat(client.next("chat").path("text").asString()).isEqualTo(text);
		}
	}

	private static String chat(String text) {
		return "{\"type\":\"chat\",\"text\":\"" + text + "\"}";
	}

}

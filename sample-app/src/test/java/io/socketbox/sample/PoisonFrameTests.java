package io.socketbox.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxMessaging;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A frame whose text holds a lone UTF-16 surrogate (valid JSON: the escape
 * {@code \ud800}) once closed its sender, sometimes an innocent client, and cut the link
 * between the nodes in a loop. Now the surrogate arrives as U+FFFD and nobody is hurt.
 */
class PoisonFrameTests {

	private static final String LONE_SURROGATE_ESCAPE = "\\ud800";

	@TempDir
	Path cacheDirectory;

	private ConfigurableApplicationContext node1;

	private ConfigurableApplicationContext node2;

	private JsonMapper jsonMapper;

	@BeforeEach
	void startNodes() {
		this.node1 = start();
		this.node2 = start();
		this.jsonMapper = this.node1.getBean(JsonMapper.class);
		awaitLinked();
	}

	@AfterEach
	void stopNodes() {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { this.node1, this.node2 }) {
			if (node != null) {
				node.close();
			}
		}
	}

	@Test
	void chatWithALoneSurrogateReachesEveryoneAndCutsNobody() throws Exception {
		try (ChatClient alice = connect(this.node1); ChatClient carol = connect(this.node1);
				ChatClient bob = connect(this.node2)) {
			String aliceId = alice.next("welcome").path("connection").asString();
			carol.next("welcome");
			bob.next("welcome");
			alice.send("{\"type\":\"chat\",\"text\":\"EVIL" + LONE_SURROGATE_ESCAPE + "\"}");
			for (ChatClient client : List.of(alice, carol, bob)) {
				JsonNode chat = client.next("chat");
				assertThat(chat.path("from").asString()).isEqualTo(aliceId);
				assertThat(chat.path("text").asString()).isEqualTo("EVIL\uFFFD");
			}
			assertEveryoneStillTalks(alice, carol, bob);
		}
	}

	@Test
	void directWithALoneSurrogateToAnotherNodeArrivesAndCutsNobody() throws Exception {
		try (ChatClient alice = connect(this.node1); ChatClient carol = connect(this.node1);
				ChatClient bob = connect(this.node2)) {
			alice.next("welcome");
			carol.next("welcome");
			String bobId = bob.next("welcome").path("connection").asString();
			alice.send("{\"type\":\"direct\",\"to\":\"" + bobId + "\",\"text\":\"EVIL" + LONE_SURROGATE_ESCAPE
					+ "\"}");
			assertThat(bob.next("direct").path("text").asString()).isEqualTo("EVIL\uFFFD");
			assertEveryoneStillTalks(alice, carol, bob);
		}
	}

	@Test
	void directWithALoneSurrogateToTheSameNodeArrivesAndCutsNobody() throws Exception {
		try (ChatClient alice = connect(this.node1); ChatClient carol = connect(this.node1);
				ChatClient bob = connect(this.node2)) {
			alice.next("welcome");
			String carolId = carol.next("welcome").path("connection").asString();
			bob.next("welcome");
			alice.send("{\"type\":\"direct\",\"to\":\"" + carolId + "\",\"text\":\"EVIL" + LONE_SURROGATE_ESCAPE
					+ "\"}");
			assertThat(carol.next("direct").path("text").asString()).isEqualTo("EVIL\uFFFD");
			assertEveryoneStillTalks(alice, carol, bob);
		}
	}

	@Test
	void directToAnIdWithALoneSurrogateIsReportedUnknownAndCutsNobody() throws Exception {
		try (ChatClient alice = connect(this.node1); ChatClient carol = connect(this.node1);
				ChatClient bob = connect(this.node2)) {
			alice.next("welcome");
			carol.next("welcome");
			String bobId = bob.next("welcome").path("connection").asString();
			alice.send("{\"type\":\"direct\",\"to\":\"" + bobId + LONE_SURROGATE_ESCAPE + "\",\"text\":\"hi\"}");
			assertThat(alice.next("error").path("message").asString()).contains("UNKNOWN_CONNECTION");
			assertEveryoneStillTalks(alice, carol, bob);
		}
	}

	/**
	 * Every client is open, chats cross the link both ways, and nothing was dropped.
	 */
	private void assertEveryoneStillTalks(ChatClient alice, ChatClient carol, ChatClient bob) throws Exception {
		bob.send("{\"type\":\"chat\",\"text\":\"from node 2\"}");
		for (ChatClient client : List.of(alice, carol, bob)) {
			assertThat(client.next("chat").path("text").asString()).isEqualTo("from node 2");
		}
		alice.send("{\"type\":\"chat\",\"text\":\"from node 1\"}");
		for (ChatClient client : List.of(alice, carol, bob)) {
			assertThat(client.next("chat").path("text").asString()).isEqualTo("from node 1");
			assertThat(client.isOpen()).isTrue();
		}
		for (ConfigurableApplicationContext node : List.of(this.node1, this.node2)) {
			assertThat(node.getBean(SocketBoxMessaging.class).getStatistics().droppedMessages()).isZero();
			assertThat(node.getBean(SocketBoxCluster.class).getMembers()).singleElement()
				.extracting(ClusterMember::link)
				.isEqualTo(ClusterMember.LinkState.UP);
		}
	}

	private ConfigurableApplicationContext start() {
		// Arguments, not default properties: they must override application.yml
		return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off",
				"--socketbox.cache.file.directory=" + this.cacheDirectory,
				"--socketbox.cluster.refresh-interval=200ms");
	}

	private void awaitLinked() {
		await().atMost(Duration.ofSeconds(20)).until(() -> List.of(this.node1, this.node2)
			.stream()
			.allMatch((node) -> node.getBean(SocketBoxCluster.class)
				.getMembers()
				.stream()
				.anyMatch((member) -> member.link() == ClusterMember.LinkState.UP)));
	}

	private ChatClient connect(ConfigurableApplicationContext node) throws Exception {
		int port = ((WebServerApplicationContext) node).getWebServer().getPort();
		return ChatClient.connect(this.jsonMapper, port);
	}

}

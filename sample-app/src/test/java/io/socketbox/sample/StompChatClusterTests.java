package io.socketbox.sample;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's STOMP chat on two nodes: {@code SEND /app/chat} on one node reaches the
 * subscribers of {@code /topic/chat} on both, once each, named with the node it came in
 * on.
 */
class StompChatClusterTests {

	@TempDir
	Path cacheDirectory;

	private StompNodes nodes;

	@AfterEach
	void stopNodes() {
		if (this.nodes != null) {
			this.nodes.close();
		}
	}

	@Test
	void chatOnOneNodeReachesSubscribersOnBothOnce() {
		this.nodes = new StompNodes(this.cacheDirectory);
		List<ConfigurableApplicationContext> cluster = this.nodes.start(2);
		ConfigurableApplicationContext first = cluster.get(0);
		ConfigurableApplicationContext second = cluster.get(1);
		try (StompChatClient alice = StompChatClient.connect(StompNodes.port(first), "alice");
				StompChatClient bob = StompChatClient.connect(StompNodes.port(second), "bob")) {
			StompChatClient.Subscription aliceChat = StompNodes.subscribe(first, alice, "/topic/chat");
			StompChatClient.Subscription bobChat = StompNodes.subscribe(second, bob, "/topic/chat");
			StompNodes.awaitInterest(first, second, "/topic/chat");
			StompNodes.awaitInterest(second, first, "/topic/chat");
			alice.send("/app/chat", "from the first node");
			for (StompChatClient.Subscription chat : List.of(aliceChat, bobChat)) {
				JsonNode message = chat.awaitJson(1).get(0);
				assertThat(message.path("from").asString()).isEqualTo("alice");
				assertThat(message.path("node").asString()).isEqualTo(StompNodes.cluster(first).getNodeName());
				assertThat(message.path("text").asString()).isEqualTo("from the first node");
			}
			// A second message from the other node: had the first come twice, it would be
			// counted before this one
			bob.send("/app/chat", "from the second node");
			for (StompChatClient.Subscription chat : List.of(aliceChat, bobChat)) {
				List<JsonNode> messages = chat.awaitJson(2);
				assertThat(messages).extracting((m) -> m.path("text").asString())
					.containsExactly("from the first node", "from the second node");
				assertThat(messages.get(1).path("node").asString())
					.isEqualTo(StompNodes.cluster(second).getNodeName());
			}
		}
	}

}

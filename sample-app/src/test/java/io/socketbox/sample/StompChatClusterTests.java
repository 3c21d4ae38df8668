package io.socketbox.sample;

import java.nio.charset.StandardCharsets;
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
 * on; {@code SEND /app/direct} reaches every session of the user on every node.
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

	@Test
	void directReachesEverySessionOfTheUserOnEveryNode() {
		this.nodes = new StompNodes(this.cacheDirectory);
		List<ConfigurableApplicationContext> cluster = this.nodes.start(2);
		ConfigurableApplicationContext first = cluster.get(0);
		ConfigurableApplicationContext second = cluster.get(1);
		try (StompChatClient sender = StompChatClient.connect(StompNodes.port(first), "sender");
				StompChatClient carolHere = StompChatClient.connect(StompNodes.port(first), "carol");
				StompChatClient carolThere = StompChatClient.connect(StompNodes.port(second), "carol")) {
			StompChatClient.Subscription here = StompNodes.subscribe(first, carolHere, "/user/queue/direct");
			StompChatClient.Subscription there = StompNodes.subscribe(second, carolThere, "/user/queue/direct");
			sender.send("/app/direct", "{\"to\":\"carol\",\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8),
					"application/json");
			for (StompChatClient.Subscription subscription : List.of(here, there)) {
				JsonNode message = subscription.awaitJson(1).get(0);
				assertThat(message.path("from").asString()).isEqualTo("sender");
				assertThat(message.path("node").asString()).isEqualTo(StompNodes.cluster(first).getNodeName());
				assertThat(message.path("text").asString()).isEqualTo("hello");
			}
		}
	}

}

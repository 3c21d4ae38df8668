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
 * {@code SEND /app/direct} on one node reaching every session of the user on every node:
 * {@code convertAndSendToUser} across nodes, through the cluster-wide user registry.
 */
class StompDirectClusterTests {

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

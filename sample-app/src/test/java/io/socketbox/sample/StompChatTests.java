package io.socketbox.sample;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's {@code /stomp} endpoint on one node, with Spring's STOMP client: the
 * chat's JSON and its text, unchanged whatever it holds; direct messages to every
 * session of a user; and bad input (an over-size {@code SEND}, a malformed frame) that
 * ends only the session that sent it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StompChatTests {

	private StompNodes nodes;

	private ConfigurableApplicationContext node;

	private int port;

	@BeforeAll
	void startNode(@TempDir Path cacheDirectory) {
		this.nodes = new StompNodes(cacheDirectory);
		this.node = this.nodes.start(1).get(0);
		this.port = StompNodes.port(this.node);
	}

	@AfterAll
	void stopNode() {
		this.nodes.close();
	}

	@Test
	void chatReachesEverySubscriberAsJsonWithSenderNodeAndText() {
		try (StompChatClient alice = StompChatClient.connect(this.port, "alice");
				StompChatClient bob = StompChatClient.connect(this.port, "bob")) {
			StompChatClient.Subscription aliceChat = StompNodes.subscribe(this.node, alice, "/topic/chat");
			StompChatClient.Subscription bobChat = StompNodes.subscribe(this.node, bob, "/topic/chat");
			bob.send("/app/chat", "hello");
			for (StompChatClient.Subscription chat : List.of(aliceChat, bobChat)) {
				JsonNode message = chat.awaitJson(1).get(0);
				assertThat(message.propertyNames()).containsExactlyInAnyOrder("from", "node", "text");
				assertThat(message.path("from").asString()).isEqualTo("bob");
				assertThat(message.path("node").asString()).isEqualTo(StompNodes.cluster(this.node).getNodeName());
				assertThat(message.path("text").asString()).isEqualTo("hello");
			}
		}
	}

	@Test
	void anAnonymousSenderIsNamedBySession() {
		try (StompChatClient anonymous = StompChatClient.connect(this.port, null)) {
			StompChatClient.Subscription chat = StompNodes.subscribe(this.node, anonymous, "/topic/chat");
			anonymous.send("/app/chat", "hi");
			assertThat(chat.awaitJson(1).get(0).path("from").asString()).startsWith("anonymous-");
		}
	}

	@Test
	void hostileTextArrivesUnchanged() {
		String big = "a\"b\\c\n".repeat(64 * 1024 / 6 + 1).substring(0, 64 * 1024);
		List<String> texts = List.of("say \"hi\" {\"text\":\"x\"} \\ \\u0000 </script>", "two\nlines\r\nand\ttab",
				"nul\u0000inside", "emoji \uD83D\uDE00 and ü", "", "  leading and trailing  ", "\n", big);
		try (StompChatClient client = StompChatClient.connect(this.port, "hostile")) {
			StompChatClient.Subscription chat = StompNodes.subscribe(this.node, client, "/topic/chat");
			// One at a time: Spring handles a session's frames on several threads
			for (int i = 0; i < texts.size(); i++) {
				client.send("/app/chat", texts.get(i));
				assertThat(chat.awaitJson(i + 1).get(i).path("text").asString()).isEqualTo(texts.get(i));
			}
		}
	}

	@Test
	void aLoneSurrogateArrivesAsTheEncoderSentIt() {
		// A lone surrogate cannot be encoded in UTF-8, and a WebSocket text frame must be
		// UTF-8: Java's encoder sends '?' for it (a browser sends U+FFFD)
		try (StompChatClient client = StompChatClient.connect(this.port, "surrogates")) {
			StompChatClient.Subscription chat = StompNodes.subscribe(this.node, client, "/topic/chat");
			client.send("/app/chat", "x\uD800y\uDC00z");
			assertThat(chat.awaitJson(1).get(0).path("text").asString()).isEqualTo("x?y?z");
		}
	}

	@Test
	void directReachesEverySessionOfTheUserAndNoOneElse() {
		try (StompChatClient sender = StompChatClient.connect(this.port, "sender");
				StompChatClient carol1 = StompChatClient.connect(this.port, "carol");
				StompChatClient carol2 = StompChatClient.connect(this.port, "carol");
				StompChatClient dave = StompChatClient.connect(this.port, "dave")) {
			StompChatClient.Subscription first = StompNodes.subscribe(this.node, carol1, "/user/queue/direct");
			StompChatClient.Subscription second = StompNodes.subscribe(this.node, carol2, "/user/queue/direct");
			StompChatClient.Subscription other = StompNodes.subscribe(this.node, dave, "/user/queue/direct");
			sender.send("/app/direct", "{\"to\":\"carol\",\"text\":\"for \\\"carol\\\"\\n\"}".getBytes(StandardCharsets.UTF_8),
					"application/json");
			for (StompChatClient.Subscription carol : List.of(first, second)) {
				JsonNode message = carol.awaitJson(1).get(0);
				assertThat(message.path("from").asString()).isEqualTo("sender");
				assertThat(message.path("text").asString()).isEqualTo("for \"carol\"\n");
			}
			// Then one for dave: had carol's reached dave, it would have come first
			sender.send("/app/direct", "{\"to\":\"dave\",\"text\":\"for dave\"}".getBytes(StandardCharsets.UTF_8),
					"application/json");
			assertThat(other.awaitJson(1)).extracting((m) -> m.path("text").asString()).containsExactly("for dave");
			assertThat(first.bodies()).hasSize(1);
			assertThat(second.bodies()).hasSize(1);
		}
	}

	@Test
	void aDirectMessageWithoutAValidRecipientGetsAnErrorBack() {
		try (StompChatClient client = StompChatClient.connect(this.port, "erin")) {
			StompChatClient.Subscription errors = StompNodes.subscribe(this.node, client, "/user/queue/errors");
			client.send("/app/direct", "{\"to\":\"not a name!\",\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8),
					"application/json");
			client.send("/app/direct", "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8), "application/json");
			assertThat(errors.awaitJson(2)).allSatisfy((error) -> assertThat(error.path("message").asString())
				.startsWith("A direct message needs 'to'"));
			assertThat(client.isConnected()).isTrue();
		}
	}

	@Test
	void anOversizeSendClosesOnlyThatSession() {
		try (StompChatClient bystander = StompChatClient.connect(this.port, "bystander");
				StompChatClient offender = StompChatClient.connect(this.port, "offender")) {
			StompChatClient.Subscription chat = StompNodes.subscribe(this.node, bystander, "/topic/chat");
			// Over the limit in bytes (2 each), within it in characters
			String tooLong = "é".repeat(StompConfiguration.MESSAGE_SIZE_LIMIT / 2 + 1);
			offender.send("/app/chat", tooLong);
			await().atMost(Duration.ofSeconds(10)).until(() -> !offender.isConnected());
			bystander.send("/app/chat", "still here");
			assertThat(chat.awaitJson(1)).extracting((m) -> m.path("text").asString()).containsExactly("still here");
			assertThat(bystander.isConnected()).isTrue();
		}
	}

	@Test
	void aMalformedFrameGetsAnErrorFrameAndClosesOnlyThatSession() throws Exception {
		assertClosesOnlyThatSession(CloseStatus.PROTOCOL_ERROR, "NOT-A-COMMAND\ndestination:/app/chat\n\nbody\0");
	}

	@Test
	void aFrameOverTheLimitInTwoMessagesGetsAnErrorFrameAndCloses1002() throws Exception {
		// Each WebSocket message within the container's limit, the STOMP frame they make over Spring's
		String head = "SEND\ndestination:/app/chat\n\n";
		assertClosesOnlyThatSession(CloseStatus.PROTOCOL_ERROR,
				head + "a".repeat(StompConfiguration.MESSAGE_SIZE_LIMIT - head.length()), "a\0");
	}

	@Test
	void aMessageOverTheContainerLimitIsClosedWith1009() throws Exception {
		String body = "a".repeat(StompConfiguration.MESSAGE_SIZE_LIMIT + 1);
		assertClosesOnlyThatSession(CloseStatus.TOO_BIG_TO_PROCESS, "SEND\ndestination:/app/chat\n\n" + body + "\0");
	}

	@Test
	void aMessageOverTheLimitInBytesButNotInCharactersIsClosedWith1009() throws Exception {
		// Jetty's limit counts bytes, as Spring's does (Tomcat's buffer counts characters)
		String body = "é".repeat(StompConfiguration.MESSAGE_SIZE_LIMIT / 2 + 1);
		assertClosesOnlyThatSession(CloseStatus.TOO_BIG_TO_PROCESS, "SEND\ndestination:/app/chat\n\n" + body + "\0");
	}

	/**
	 * Send WebSocket messages after CONNECT on a raw WebSocket, expect the close code and
	 * at most Spring's ERROR frame before it, and a bystander that still chats.
	 */
	private void assertClosesOnlyThatSession(CloseStatus expected, String... messages) throws Exception {
		try (StompChatClient bystander = StompChatClient.connect(this.port, "bystander2")) {
			StompChatClient.Subscription chat = StompNodes.subscribe(this.node, bystander, "/topic/chat");
			List<String> received = new CopyOnWriteArrayList<>();
			CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
			WebSocketSession raw = new StandardWebSocketClient().execute(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) {
					received.add(message.getPayload());
				}

				@Override
				public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
					closed.complete(status);
				}

			}, null, URI.create("ws://127.0.0.1:" + this.port + "/stomp?user=mallory")).get(10, TimeUnit.SECONDS);
			raw.sendMessage(new TextMessage("CONNECT\naccept-version:1.2\nhost:127.0.0.1\n\n\0"));
			await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
			assertThat(received.get(0)).startsWith("CONNECTED");
			for (String message : messages) {
				raw.sendMessage(new TextMessage(message));
			}
			assertThat(closed.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(expected.getCode());
			// Spring sends ERROR before it closes with 1002; see StompClusterIntegrationTests
			// for a run where the close came without it
			assertThat(received.subList(1, received.size())).hasSizeLessThanOrEqualTo(1)
				.allSatisfy((text) -> assertThat(text).startsWith("ERROR"));
			bystander.send("/app/chat", "after");
			assertThat(chat.awaitJson(1)).extracting((m) -> m.path("text").asString()).containsExactly("after");
		}
	}

}

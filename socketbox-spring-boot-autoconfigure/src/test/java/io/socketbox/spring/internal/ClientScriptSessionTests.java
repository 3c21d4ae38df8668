package io.socketbox.spring.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.NodeJs;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's {@code client.js}, in Node.js on its built-in WebSocket, against a real
 * node: it starts a session, reconnects when its connection is cut, resumes, and the
 * application sees every message once and in order.
 */
class ClientScriptSessionTests {

	private static final JsonMapper mapper = JsonMapper.shared();

	private Node node;

	private Process client;

	private Writer commands;

	private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());

	@BeforeEach
	void start() throws IOException {
		NodeJs.assumeAvailable();
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run());
		this.client = new ProcessBuilder("node", "--experimental-websocket",
				Path.of("src/test/js/drive-client.mjs").toAbsolutePath().toString(),
				"ws://127.0.0.1:" + this.node.port() + "/ws", "--initial-delay=400", "--max-delay=400")
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		this.commands = new OutputStreamWriter(this.client.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.client.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					this.events.add(mapper.readTree(line));
				}
			}
			catch (IOException ex) {
				// The process ended
			}
		});
		reader.setDaemon(true);
		reader.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		if (this.client != null) {
			this.client.destroy();
			this.client.waitFor(10, TimeUnit.SECONDS);
		}
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void theClientResumesAfterItsConnectionIsCutAndMissesNothing() throws Exception {
		JsonNode open = awaitEvent("open", 1);
		String id = open.path("session").asString();
		assertThat(open.path("resumed").asBoolean()).isFalse();
		assertThat(awaitMessages(1)).containsExactly(TestNodeApplication.ID_PREFIX + id);
		this.node.messaging().broadcast("b1");
		awaitMessages(2);
		// The node cuts the connection as a restart would; the client comes back after
		// its backoff and resumes
		LocalConnections connections = this.node.context().getBean(LocalConnections.class);
		LocalConnection connection = (LocalConnection) connections.session(id).current();
		Sessions.closeNow(connection.session(), CloseStatus.SERVICE_RESTARTED);
		// Gone, or already replaced: the client may come back within a poll
		await().until(() -> connections.session(id).current() != connection);
		this.node.messaging().send(id, "d2").get();
		this.node.messaging().broadcast("b2");
		this.node.messaging().send(id, "d3").get();
		JsonNode resumed = awaitEvent("open", 2);
		assertThat(resumed.path("resumed").asBoolean()).isTrue();
		assertThat(resumed.path("session").asString()).isEqualTo(id);
		// Each stream in order, each message once; the streams interleave as replayed
		assertThat(awaitMessages(5)).hasSize(5);
		assertThat(messagesOf("direct")).containsExactly(TestNodeApplication.ID_PREFIX + id, "d2", "d3");
		assertThat(messagesOf("broadcast")).containsExactly("b1", "b2");
		command("send " + TestNodeApplication.ECHO_PREFIX + "hi");
		assertThat(awaitMessages(6)).endsWith(TestNodeApplication.ECHO_PREFIX + "hi");
		assertThat(eventsNamed("gap")).isEmpty();
		assertThat(eventsNamed("resumed")).hasSize(1);
		// A goodbye ends the session on the node
		command("close");
		await().until(() -> this.node.messaging().getLocalConnections().isEmpty());
	}

	@Test
	void whatTheClientSendsWhileItsConnectionIsCutReachesTheApplicationOnceAfterItResumes() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		JsonNode open = awaitEvent("open", 1);
		String id = open.path("session").asString();
		awaitMessages(1);
		command("send " + echo + "before");
		assertThat(awaitMessages(2)).endsWith(echo + "before");
		LocalConnections connections = this.node.context().getBean(LocalConnections.class);
		LocalConnection connection = (LocalConnection) connections.session(id).current();
		Sessions.closeNow(connection.session(), CloseStatus.SERVICE_RESTARTED);
		// Given while the cut travels to the client, or after it: kept, and sent once
		// the session is resumed, unless the node handled it before
		for (int i = 1; i <= 20; i++) {
			command("send " + echo + i);
		}
		assertThat(awaitEvent("open", 2).path("resumed").asBoolean()).isTrue();
		List<String> expected = new ArrayList<>(List.of(TestNodeApplication.ID_PREFIX + id, echo + "before"));
		for (int i = 1; i <= 20; i++) {
			expected.add(echo + i);
		}
		assertThat(awaitMessages(22)).containsExactlyElementsOf(expected);
		assertThat(eventsNamed("sent")).hasSize(21)
			.allSatisfy((sent) -> assertThat(sent.path("result").asBoolean()).isTrue());
		await().untilAsserted(() -> {
			command("unacknowledged");
			List<JsonNode> counts = eventsNamed("unacknowledged");
			assertThat(counts).isNotEmpty();
			assertThat(counts.get(counts.size() - 1).path("count").asInt()).isZero();
		});
		assertThat(connections.session(id).handled()).isEqualTo(21);
		assertThat(eventsNamed("gap")).isEmpty();
	}

	@Test
	void aClientWhoseSessionExpiredIsToldItMissedMessages() throws Exception {
		JsonNode open = awaitEvent("open", 1);
		String id = open.path("session").asString();
		awaitMessages(1);
		LocalConnections connections = this.node.context().getBean(LocalConnections.class);
		SessionConnection session = connections.session(id);
		// As if the window had passed: the session ends, its messages with it
		session.close(CloseStatus.GOING_AWAY);
		JsonNode reopened = awaitEvent("open", 2);
		// 1001 is a drop to the client: it tries to resume a session the node no longer has
		assertThat(reopened.path("resumed").asBoolean()).isFalse();
		assertThat(reopened.path("session").asString()).isNotEqualTo(id);
		assertThat(eventsNamed("gap")).singleElement()
			.satisfies((gap) -> assertThat(gap.path("reason").asString()).isEqualTo("expired"));
	}

	private void command(String line) throws IOException {
		this.commands.write(line + "\n");
		this.commands.flush();
	}

	private JsonNode awaitEvent(String name, int count) {
		return await().atMost(Duration.ofSeconds(15))
			.until(() -> eventsNamed(name), (found) -> found.size() >= count)
			.get(count - 1);
	}

	private List<String> awaitMessages(int count) {
		return await().atMost(Duration.ofSeconds(15))
			.until(() -> eventsNamed("message").stream().map((event) -> event.path("text").asString()).toList(),
					(texts) -> texts.size() >= count);
	}

	private List<String> messagesOf(String kind) {
		return eventsNamed("message").stream()
			.filter((event) -> kind.equals(event.path("meta").path("kind").asString()))
			.map((event) -> event.path("text").asString())
			.toList();
	}

	private List<JsonNode> eventsNamed(String name) {
		synchronized (this.events) {
			return this.events.stream().filter((event) -> name.equals(event.path("event").asString())).toList();
		}
	}

}

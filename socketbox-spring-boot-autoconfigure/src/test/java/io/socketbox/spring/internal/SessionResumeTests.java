package io.socketbox.spring.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.internal.session.BroadcastHistory;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.SessionClient;
import io.socketbox.spring.testsupport.TestClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions on one node, over real WebSocket connections: a client that offers the
 * {@code socketbox.v1} subprotocol keeps its session across reconnects and gets what was
 * sent while it was away, once each and in order, or is told what it missed.
 */
class SessionResumeTests {

	private Node node;

	private Node start(String... properties) {
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run());
		return this.node;
	}

	/**
	 * Drop a client's connection and wait until the node has seen it go, so that
	 * nothing sent afterwards can still reach the old connection.
	 */
	private void drop(SessionClient client) {
		String id = client.sessionId();
		client.drop();
		SessionConnection session = this.node.context().getBean(LocalConnections.class).session(id);
		await().until(() -> session == null || session.current() == null);
	}

	@AfterEach
	void stopNode() {
		if (this.node != null) {
			this.node.stop();
		}
	}

	@Test
	void helloStartsASessionWhoseMessagesAreFramed() {
		start();
		try (SessionClient client = SessionClient.hello(this.node.port(), null)) {
			JsonNode welcome = client.welcome();
			assertThat(client.raw().session().getAcceptedProtocol()).isEqualTo("socketbox.v1");
			assertThat(welcome.path("resumed").asBoolean()).isFalse();
			String id = welcome.path("session").asString();
			assertThat(id).startsWith(this.node.id() + ".");
			// onConnect's message is the session's first
			assertThat(client.awaitDirects(1)).containsExactly(TestNodeApplication.ID_PREFIX + id);
			assertThat(client.directs()).containsExactly("1 " + TestNodeApplication.ID_PREFIX + id);
			client.send(TestNodeApplication.BROADCAST_PREFIX + "hello everyone");
			assertThat(client.awaitBroadcasts(1)).containsExactly("hello everyone");
			assertThat(client.broadcasts()).containsExactly(this.node.id() + " 1 hello everyone");
		}
	}

	@Test
	void aClientWithoutTheSubprotocolKeepsPlainFrames() {
		start();
		try (TestClient plain = TestClient.connect("ws://127.0.0.1:" + this.node.port() + "/ws");
				SessionClient session = SessionClient.hello(this.node.port(), null)) {
			assertThat(plain.next()).startsWith(TestNodeApplication.ID_PREFIX);
			assertThat(plain.session().getAcceptedProtocol()).isNullOrEmpty();
			session.awaitDirects(1);
			this.node.messaging().broadcast("to all");
			assertThat(plain.next()).isEqualTo("to all");
			assertThat(session.awaitBroadcasts(1)).containsExactly("to all");
		}
	}

	@Test
	void aResumedSessionGetsWhatWasSentWhileItWasAwayOnceAndInOrder() throws Exception {
		start();
		SessionClient first = SessionClient.hello(this.node.port(), "alice");
		String id = first.sessionId();
		first.awaitDirects(1);
		this.node.messaging().broadcast("b1");
		first.awaitBroadcasts(1);
		drop(first);
		// Away: the session lasts, and takes what is sent to it
		assertThat(this.node.messaging().getLocalConnections()).extracting("id").containsExactly(id);
		for (int i = 2; i <= 4; i++) {
			assertThat(this.node.messaging().send(id, "d" + i).get()).isEqualTo(SendResult.DELIVERED);
			this.node.messaging().broadcast("b" + i);
		}
		assertThat(this.node.messaging().sendToUser("alice", "u5").get()).isOne();
		try (SessionClient second = SessionClient.resume(this.node.port(), "alice", first)) {
			JsonNode welcome = second.welcome();
			assertThat(welcome.path("resumed").asBoolean()).isTrue();
			assertThat(welcome.path("session").asString()).isEqualTo(id);
			assertThat(second.awaitDirects(4)).containsExactly("d2", "d3", "d4", "u5");
			assertThat(second.directs()).containsExactly("2 d2", "3 d3", "4 d4", "5 u5");
			assertThat(second.awaitBroadcasts(3)).containsExactly("b2", "b3", "b4");
			// Live again
			this.node.messaging().send(id, "d6");
			this.node.messaging().broadcast("b5");
			assertThat(second.awaitDirects(5)).endsWith("d6");
			assertThat(second.awaitBroadcasts(4)).containsExactly("b2", "b3", "b4", "b5");
			assertThat(second.gaps()).isEmpty();
			assertThat(second.directs()).hasSize(5);
		}
	}

	@Test
	void aResumeOnANodeThatDoesNotKnowItsClusterYetWaitsAndGetsWhatItsPeersPassedOnMeanwhile() {
		start();
		SessionClient first = SessionClient.hello(this.node.port(), null);
		first.awaitDirects(1);
		drop(first);
		LocalConnections connections = this.node.context().getBean(LocalConnections.class);
		CompletableFuture<Void> settled = new CompletableFuture<>();
		connections.setSessionRouter(unsettled(settled));
		// The client had a peer's first broadcast
		Map<String, Long> positions = new HashMap<>(first.positions());
		positions.put("peer1", 1L);
		try (SessionClient back = SessionClient.resume(this.node.port(), null, first.token(), first.lastSeq(),
				positions)) {
			SocketBoxWebSocketHandler handler = this.node.context().getBean(SocketBoxWebSocketHandler.class);
			await().until(() -> handler.sessions().waitingForCluster() == 1);
			// The history the peer passes on when its link comes up, before the node knows its cluster
			connections.backfill("peer1", List.of(new BroadcastHistory.Kept(1, "from-peer-1"),
					new BroadcastHistory.Kept(2, "from-peer-2"), new BroadcastHistory.Kept(3, "from-peer-3")));
			settled.complete(null);
			assertThat(back.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(back.awaitBroadcasts(2)).containsExactly("from-peer-2", "from-peer-3");
			assertThat(back.gaps()).isEmpty();
		}
	}

	@Test
	void aClientThatHasEverythingGetsNothingAgain() {
		start();
		SessionClient first = SessionClient.hello(this.node.port(), null);
		first.awaitDirects(1);
		this.node.messaging().broadcast("b1");
		first.awaitBroadcasts(1);
		drop(first);
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.welcome().path("resumed").asBoolean()).isTrue();
			this.node.messaging().broadcast("b2");
			assertThat(second.awaitBroadcasts(1)).containsExactly("b2");
			assertThat(second.directs()).isEmpty();
			assertThat(second.gaps()).isEmpty();
		}
	}

	@Test
	void moreThanTheSessionKeepsIsReportedAsAGap() throws Exception {
		start("socketbox.session.buffer-size=3");
		SessionClient first = SessionClient.hello(this.node.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		drop(first);
		for (int i = 2; i <= 6; i++) {
			this.node.messaging().send(id, "d" + i).get();
		}
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.awaitDirects(3)).containsExactly("d4", "d5", "d6");
			assertThat(second.gaps()).containsExactly("direct:overflow");
		}
	}

	@Test
	void broadcastsOlderThanTheHistoryAreReportedAsAGap() {
		start("socketbox.session.history-size=2");
		SessionClient first = SessionClient.hello(this.node.port(), null);
		first.awaitDirects(1);
		drop(first);
		for (int i = 1; i <= 5; i++) {
			this.node.messaging().broadcast("b" + i);
		}
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.awaitBroadcasts(2)).containsExactly("b4", "b5");
			assertThat(second.gaps()).containsExactly("broadcast:history:" + this.node.id());
		}
	}

	@Test
	void aForgedTokenStartsANewSessionAndSaysTheOldOnesMessagesAreLost() {
		start();
		SessionClient first = SessionClient.hello(this.node.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		drop(first);
		String token = first.token();
		String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
		try (SessionClient second = SessionClient.resume(this.node.port(), null, forged, 1, Map.of())) {
			JsonNode welcome = second.welcome();
			assertThat(welcome.path("resumed").asBoolean()).isFalse();
			String newId = welcome.path("session").asString();
			assertThat(newId).isNotEqualTo(id);
			assertThat(second.awaitDirects(1)).containsExactly(TestNodeApplication.ID_PREFIX + newId);
			assertThat(second.gaps()).containsExactly("direct:expired");
		}
	}

	@Test
	void anotherUsersTokenDoesNotResumeTheSession() throws Exception {
		start();
		SessionClient alice = SessionClient.hello(this.node.port(), "alice");
		String id = alice.sessionId();
		alice.awaitDirects(1);
		drop(alice);
		this.node.messaging().send(id, "for alice only").get();
		try (SessionClient mallory = SessionClient.resume(this.node.port(), "mallory", alice)) {
			assertThat(mallory.welcome().path("resumed").asBoolean()).isFalse();
			assertThat(mallory.sessionId()).isNotEqualTo(id);
			mallory.awaitDirects(1);
			assertThat(mallory.directTexts()).noneMatch((text) -> text.contains("alice"));
		}
		try (SessionClient anonymous = SessionClient.resume(this.node.port(), null, alice)) {
			assertThat(anonymous.welcome().path("resumed").asBoolean()).isFalse();
		}
		// Still alice's
		try (SessionClient again = SessionClient.resume(this.node.port(), "alice", alice)) {
			assertThat(again.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(again.awaitDirects(1)).containsExactly("for alice only");
		}
	}

	@Test
	void aSessionEndsAfterTheResumeWindowAndCannotBeResumedThen() {
		start("socketbox.session.resume-window=1s");
		SessionClient first = SessionClient.hello(this.node.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		drop(first);
		await().until(() -> this.node.messaging().getLocalConnections().isEmpty());
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.welcome().path("resumed").asBoolean()).isFalse();
			assertThat(second.sessionId()).isNotEqualTo(id);
		}
	}

	@Test
	void aClientThatSaysGoodbyeEndsItsSessionAtOnce() {
		start();
		SessionClient client = SessionClient.hello(this.node.port(), null);
		client.awaitDirects(1);
		assertThat(this.node.messaging().getLocalConnections()).hasSize(1);
		client.close();
		await().until(() -> this.node.messaging().getLocalConnections().isEmpty());
	}

	@Test
	void aResumeOnANewConnectionClosesTheOldOneAsSuperseded() {
		start();
		SessionClient first = SessionClient.hello(this.node.port(), null);
		first.awaitDirects(1);
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(first.awaitClose().getCode()).isEqualTo(4001);
			this.node.messaging().broadcast("after");
			assertThat(second.awaitBroadcasts(1)).containsExactly("after");
			assertThat(this.node.messaging().getLocalConnections()).hasSize(1);
		}
	}

	@Test
	void aClientThatSaysNothingIsClosedAfterTheHelloTimeout() {
		start("socketbox.session.hello-timeout=300ms");
		try (SessionClient silent = SessionClient.open(this.node.port(), null)) {
			assertThat(silent.awaitClose().getCode()).isEqualTo(1008);
			assertThat(this.node.messaging().getLocalConnections()).isEmpty();
		}
	}

	@Test
	void aFirstFrameThatIsNotAHelloOrResumeIsRefused() {
		start();
		for (String frame : List.of("a hi", "hello", "c {\"t\":\"later\"}", "c [1]", "c {\"t\":\"resume\"}",
				"c {\"t\":\"resume\",\"token\":\"x\",\"d\":-1}")) {
			try (SessionClient client = SessionClient.open(this.node.port(), null)) {
				client.raw().send(frame);
				assertThat(client.awaitClose().getCode()).as(frame).isEqualTo(1008);
			}
		}
		assertThat(this.node.messaging().getLocalConnections()).isEmpty();
	}

	@Test
	void aLaterFrameThatIsNotAMessageOrControlIsRefusedAndTheSessionWaits() {
		start();
		SessionClient client = SessionClient.hello(this.node.port(), null);
		client.awaitDirects(1);
		client.raw().send("not a frame");
		assertThat(client.awaitClose().getCode()).isEqualTo(1003);
		// Not a goodbye: the client may come back
		assertThat(this.node.messaging().getLocalConnections()).hasSize(1);
		client.close();
	}

	@Test
	void aNumberedMessageIsHandledOnceHoweverOftenTheClientSendsIt() {
		start();
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.node.port(), null);
		assertThat(first.handled()).isZero();
		first.awaitDirects(1);
		first.send(1, echo + "one");
		first.send(1, echo + "one");
		first.send(2, echo + "two");
		first.send(5, echo + "five, after a skip");
		first.send(3, echo + "three, after five");
		assertThat(first.awaitDirects(4)).endsWith(echo + "one", echo + "two", echo + "five, after a skip");
		await().until(first::acks, (acks) -> !acks.isEmpty() && acks.get(acks.size() - 1) == 5);
		drop(first);
		try (SessionClient second = SessionClient.resume(this.node.port(), null, first)) {
			assertThat(second.handled()).isEqualTo(5);
			// What the client had not seen acknowledged, sent again, then a new one
			second.send(5, echo + "five, after a skip");
			second.send(6, echo + "six");
			assertThat(second.awaitDirects(1)).containsExactly(echo + "six");
			await().until(second::acks, (acks) -> acks.contains(6L));
		}
		assertThat(first.directTexts()).hasSize(4);
	}

	@Test
	void aNumberedMessageWithoutAValidSeqIsRefused() {
		start();
		for (String frame : List.of("m 0 zero", "m 01 leading zero", "m -1 negative", "m 9007199254740992 too big",
				"m 12", "m x y", "m  1 two spaces")) {
			try (SessionClient client = SessionClient.hello(this.node.port(), null)) {
				client.awaitDirects(1);
				client.raw().send(frame);
				assertThat(client.awaitClose().getCode()).as(frame).isEqualTo(1003);
			}
		}
	}

	/**
	 * Return the router of a node that has not linked with its cluster yet, until the
	 * test completes {@code settled}: otherwise every session is this node's, as on a
	 * single node.
	 */
	private static SessionRouter unsettled(CompletableFuture<Void> settled) {
		return (SessionRouter) Proxy.newProxyInstance(SessionRouter.class.getClassLoader(),
				new Class<?>[] { SessionRouter.class }, (proxy, method, arguments) -> switch (method.getName()) {
					case "isSettled" -> settled.isDone();
					case "whenSettled" -> settled;
					default -> method.invoke(SessionRouter.NONE, arguments);
				});
	}

}

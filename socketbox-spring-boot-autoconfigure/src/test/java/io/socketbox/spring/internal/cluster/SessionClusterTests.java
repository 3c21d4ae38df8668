package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.Objects;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.SessionConnectionProbe;
import io.socketbox.spring.internal.SocketBoxWebSocketHandler;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.FailableCache;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.SessionClient;
import io.socketbox.spring.testsupport.TestNodeApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions across two nodes that share a real Redis server, with real WebSocket
 * clients: a client that resumes on the other node gets what it missed from its
 * session's home and the broadcasts from that node's history, once each and in order,
 * and the home relays what follows.
 */
class SessionClusterTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private Node home;

	private Node other;

	@BeforeEach
	void startCluster(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
		this.home = this.nodes.start();
		this.other = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.home.isLinkedTo(this.other) && this.other.isLinkedTo(this.home));
	}

	@AfterEach
	void stopCluster() {
		this.nodes.close();
	}

	@Test
	void aClientThatResumesOnTheOtherNodeGetsWhatItMissedAndWhatFollows() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), "alice");
		String id = first.sessionId();
		first.awaitDirects(1);
		this.other.messaging().broadcast("b-other-1");
		this.home.messaging().broadcast("b-home-1");
		first.awaitBroadcasts(2);
		first.drop();
		await().until(() -> this.home.messaging().send(id, "probe").get() == SendResult.DELIVERED);
		// Away: sent from both nodes, to the session, its user, and everyone
		assertThat(this.other.messaging().send(id, "d-from-other").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(this.home.messaging().send(id, "d-from-home").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(this.other.messaging().sendToUser("alice", "u-from-other").get()).isOne();
		this.other.messaging().broadcast("b-other-2");
		this.home.messaging().broadcast("b-home-2");
		try (SessionClient second = SessionClient.resume(this.other.port(), "alice", first)) {
			assertThat(second.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(second.sessionId()).isEqualTo(id);
			// The probe may have reached the first connection before it closed
			assertThat(second.awaitDirects(3)).endsWith("d-from-other", "d-from-home", "u-from-other");
			assertThat(second.awaitBroadcasts(2)).containsExactlyInAnyOrder("b-other-2", "b-home-2");
			// Live, relayed by the home, or sent by the other node itself
			this.other.messaging().send(id, "live-1").get();
			this.home.messaging().send(id, "live-2").get();
			this.home.messaging().broadcast("b-home-3");
			assertThat(second.awaitDirects(5)).endsWith("live-1", "live-2");
			assertThat(second.awaitBroadcasts(3)).endsWith("b-home-3");
			// What the client sends reaches the application where it is connected
			second.send(TestNodeApplication.ECHO_PREFIX + "hi");
			assertThat(second.awaitDirects(6)).endsWith(TestNodeApplication.ECHO_PREFIX + "hi");
			assertThat(second.gaps()).isEmpty();
			assertThat(first.directs().size() + second.directs().size())
				.as("every message once: the probe on one connection or the other")
				.isEqualTo(second.lastSeq());
		}
	}

	@Test
	void aClientThatMovesBackAndForthKeepsOneNumberedStream() throws Exception {
		SessionClient client = SessionClient.hello(this.home.port(), null);
		String id = client.sessionId();
		client.awaitDirects(1);
		long expected = 1;
		for (int round = 0; round < 4; round++) {
			Node to = (round % 2 == 0) ? this.other : this.home;
			client.drop();
			this.home.messaging().send(id, "away-" + round).get();
			SessionClient resumed = SessionClient.resume(to.port(), null, client);
			assertThat(resumed.welcome().path("resumed").asBoolean()).isTrue();
			expected++;
			this.other.messaging().send(id, "back-" + round).get();
			expected++;
			long seq = expected;
			await().until(() -> resumed.lastSeq() == seq);
			client = resumed;
		}
		client.close();
		await().until(() -> this.home.messaging().getLocalConnections().isEmpty());
	}

	@Test
	void aNewConnectionOfTheSessionSupersedesTheOneOnTheOtherNode() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		SessionClient onOther = dropAndResumeOnOther(first);
		// Resumed again on the home while the connection to the other node is open
		try (SessionClient again = SessionClient.resume(this.home.port(), null, first)) {
			assertThat(again.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(onOther.awaitClose().getCode()).isEqualTo(4001);
			this.other.messaging().send(id, "after").get();
			assertThat(again.awaitDirects(1)).containsExactly("after");
		}
	}

	@Test
	void theApplicationClosingASessionClosesItsClientOnTheOtherNode() {
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		SessionClient onOther = dropAndResumeOnOther(first);
		this.home.messaging()
			.getLocalConnections()
			.stream()
			.filter((connection) -> connection.getId().equals(id))
			.findFirst()
			.orElseThrow()
			.close(org.springframework.web.socket.CloseStatus.NORMAL);
		assertThat(onOther.awaitClose().getCode()).isEqualTo(1000);
		await().until(() -> this.home.messaging().getLocalConnections().isEmpty()
				&& this.other.messaging().getLocalConnections().isEmpty());
	}

	@Test
	void aNodeThatStopsHandsItsSessionsOverAndTheirClientsResumeElsewhereWithNothingLost() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), "alice");
		String id = first.sessionId();
		first.awaitDirects(1);
		this.home.messaging().send(id, "before").get();
		first.awaitDirects(2);
		this.home.stop();
		// Told to come back with 1012 (service restart), which browsers and Node.js
		// report; Tomcat's client takes it for an invalid code and reports 1002
		assertThat(first.awaitClose().getCode()).isIn(1012, 1002);
		// The other node took the session over: it takes messages for it at once
		assertThat(this.other.messaging().send(id, "while-away").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(this.other.messaging().sendToUser("alice", "to-alice").get()).isOne();
		try (SessionClient second = SessionClient.resume(this.other.port(), "alice", first)) {
			assertThat(second.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(second.sessionId()).isEqualTo(id);
			assertThat(second.awaitDirects(2)).containsExactly("while-away", "to-alice");
			assertThat(second.directs()).containsExactly("3 while-away", "4 to-alice");
			assertThat(second.gaps()).isEmpty();
		}
	}

	@Test
	void aClientOnTheHeirKeepsItsConnectionWhenItsSessionsHomeStops() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		SessionClient onOther = dropAndResumeOnOther(first);
		this.home.messaging().send(id, "relayed").get();
		assertThat(onOther.awaitDirects(1)).containsExactly("relayed");
		this.home.stop();
		// The session now lives where its client is, which noticed nothing
		await().until(() -> this.other.messaging().send(id, "kept").get() == SendResult.DELIVERED);
		assertThat(onOther.awaitDirects(2)).containsExactly("relayed", "kept");
		assertThat(onOther.directs()).containsExactly("2 relayed", "3 kept");
		assertThat(onOther.raw().isOpen()).isTrue();
		onOther.close();
		await().until(() -> this.other.messaging().getLocalConnections().isEmpty());
	}

	@Test
	void aSendToTheConnectionAnApplicationKeptReachesTheClientWhereverItsSessionLives() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		SessionClient onOther = dropAndResumeOnOther(first);
		// What onMessage gets on the node the client is on, kept as applications keep it
		SocketBoxConnection kept = await().until(() -> this.other.messaging()
			.getLocalConnections()
			.stream()
			.filter((connection) -> connection.getId().equals(id))
			.findFirst()
			.orElse(null), Objects::nonNull);
		assertThat(this.other.messaging().send(kept, "via the home").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(onOther.awaitDirects(1)).containsExactly("via the home");
		this.home.stop();
		await().until(() -> this.other.messaging().send(id, "probe").get() == SendResult.DELIVERED);
		// The session moved to the client's node: the old object leads there, not to the old home
		assertThat(this.other.messaging().send(kept, "after the move").get()).isEqualTo(SendResult.DELIVERED);
		assertThat(onOther.awaitDirects(3)).containsExactly("via the home", "probe", "after the move");
		onOther.close();
	}

	@Test
	void aNodeThatStopsTellsItsClientsOfSessionsLivingElsewhereToReconnect() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), "alice");
		String id = first.sessionId();
		first.awaitDirects(1);
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), "alice", first);
		assertThat(onOther.welcome().path("resumed").asBoolean()).isTrue();
		this.other.stop();
		// 1012 (service restart, which Tomcat's client reports as 1002), not 1001 once
		// the links are gone: the home learns at once that the client left
		assertThat(onOther.awaitClose().getCode()).isIn(1012, 1002);
		assertThat(this.home.messaging().send(id, "while-away").get()).isEqualTo(SendResult.DELIVERED);
		try (SessionClient back = SessionClient.resume(this.home.port(), "alice", onOther)) {
			assertThat(back.welcome().path("resumed").asBoolean()).isTrue();
			// onOther received no direct message itself, so it resumes from the first
			assertThat(back.awaitDirects(2)).containsExactly("id:" + id, "while-away");
			assertThat(back.gaps()).isEmpty();
		}
	}

	@Test
	void theClientsMessagesAreHandledOnceWhicheverNodeItIsOn() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		first.send(1, echo + "1");
		first.send(2, echo + "2");
		first.awaitDirects(3);
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), null, first);
		// The home said where to start before it answered
		assertStartsAfter(onOther, 2);
		await().until(onOther::acks, (acks) -> acks.contains(3L));
		onOther.drop();
		// The other node reports how far it got when its client leaves
		await().until(() -> handledAtHome(id) == 3);
		try (SessionClient back = SessionClient.resume(this.home.port(), null, onOther)) {
			assertStartsAfter(back, 3);
		}
	}

	@Test
	void aSessionHandedOverKeepsHowFarItsClientsMessagesWereHandled() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.home.port(), null);
		first.awaitDirects(1);
		first.send(1, echo + "1");
		first.send(2, echo + "2");
		await().until(first::acks, (acks) -> acks.contains(2L));
		this.home.stop();
		first.awaitClose();
		try (SessionClient second = SessionClient.resume(this.other.port(), null, first)) {
			assertStartsAfter(second, 2);
		}
	}

	@Test
	void aClientOnTheHeirGoesOnNumberingWhenItsSessionsHomeStops() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), null, first);
		onOther.send(1, echo + "1");
		assertThat(onOther.awaitDirects(1)).containsExactly(echo + "1");
		this.home.stop();
		await().until(() -> this.other.messaging().send(id, "kept").get() == SendResult.DELIVERED);
		onOther.send(1, echo + "1");
		onOther.send(2, echo + "2");
		assertThat(onOther.awaitDirects(3)).containsExactly(echo + "1", "kept", echo + "2");
		await().until(onOther::acks, (acks) -> acks.contains(2L));
		onOther.close();
	}

	@Test
	void aNodeThatStopsTellsTheHomeHowFarItHandledItsClientsMessages() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), null, first);
		onOther.send(1, echo + "1");
		onOther.send(2, echo + "2");
		onOther.awaitDirects(2);
		this.other.stop();
		onOther.awaitClose();
		await().until(() -> handledAtHome(id) == 2);
		try (SessionClient back = SessionClient.resume(this.home.port(), null, onOther)) {
			assertStartsAfter(back, 2);
		}
	}

	@Test
	void aResumeThatSupersedesAnOpenConnectionOnAnotherNodeStartsAfterWhatThatNodeHandled() throws Exception {
		String echo = TestNodeApplication.ECHO_PREFIX;
		SessionClient first = SessionClient.hello(this.home.port(), null);
		first.awaitDirects(1);
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), null, first);
		for (int seq = 1; seq <= 20; seq++) {
			onOther.send(seq, echo + seq);
		}
		onOther.awaitDirects(20);
		// Resumed on the home while the connection to the other node is still open (a
		// client that gave up on it): the home closes that one first, and learns from the
		// other node how far it got before it welcomes the client
		try (SessionClient back = SessionClient.resume(this.home.port(), null, first)) {
			assertThat(back.handled()).isEqualTo(20);
			assertThat(onOther.awaitClose().getCode()).isEqualTo(4001);
			back.send(20, echo + "20");
			back.send(21, echo + "21");
			assertThat(back.awaitDirects(21)).endsWith(echo + "19", echo + "20", echo + "21");
			assertThat(back.directTexts()).filteredOn((text) -> text.equals(echo + "20")).hasSize(1);
		}
	}

	@Test
	void aClientThatResumesOnANodeThatJoinedAfterItLeftGetsTheBroadcastsItMissed() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), null);
		first.awaitDirects(1);
		this.home.messaging().broadcast("before");
		first.awaitBroadcasts(1);
		first.drop();
		await().until(() -> SessionConnectionProbe.isWaiting(this.home.context().getBean(LocalConnections.class),
				first.sessionId()));
		this.home.messaging().broadcast("missed-on-home");
		this.other.messaging().broadcast("missed-on-other");
		// A node that starts now never saw them: its peers pass on what they keep
		Node late = this.nodes.start();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> late.isLinkedTo(this.home) && late.isLinkedTo(this.other) && keptBy(late) == 3);
		try (SessionClient back = SessionClient.resume(late.port(), null, first)) {
			assertThat(back.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(back.awaitBroadcasts(2)).containsExactlyInAnyOrder("missed-on-home", "missed-on-other");
			assertThat(back.gaps()).isEmpty();
			this.home.messaging().broadcast("live");
			assertThat(back.awaitBroadcasts(3)).endsWith("live");
			assertThat(back.broadcastTexts()).hasSize(3);
		}
	}

	@Test
	void aClientThatResumesOnANodeThatHasJustStartedFindsItsSessionWhereItWasHandedOver() throws Exception {
		SessionClient first = SessionClient.hello(this.home.port(), "alice");
		String id = first.sessionId();
		first.awaitDirects(1);
		this.home.stop();
		first.awaitClose();
		assertThat(this.other.messaging().send(id, "while-away").get()).isEqualTo(SendResult.DELIVERED);
		// A node that cannot read the cache yet, so it has not linked with the node that
		// took the session over: the resume waits until it has
		Node late = this.nodes.start("test.cache=failable-redis", "test.cache.failing=true");
		try (SessionClient back = SessionClient.resume(late.port(), "alice", first)) {
			SocketBoxWebSocketHandler handler = late.context().getBean(SocketBoxWebSocketHandler.class);
			await().until(() -> SessionConnectionProbe.resumesWaitingForCluster(handler) == 1);
			late.context().getBean(FailableCache.class).setFailing(false);
			assertThat(back.welcome().path("resumed").asBoolean()).isTrue();
			assertThat(back.sessionId()).isEqualTo(id);
			assertThat(back.awaitDirects(1)).containsExactly("while-away");
			assertThat(back.gaps()).isEmpty();
		}
	}

	/**
	 * Drop a client's connection to the home and resume its session on the other node.
	 * @return the client on the other node, welcomed back to its session
	 */
	private SessionClient dropAndResumeOnOther(SessionClient first) {
		first.drop();
		SessionClient onOther = SessionClient.resume(this.other.port(), null, first);
		assertThat(onOther.welcome().path("resumed").asBoolean()).isTrue();
		return onOther;
	}

	/**
	 * Assert that a resumed session has handled the client's numbered messages up to a
	 * seq, and takes the next one but not that one again.
	 */
	private static void assertStartsAfter(SessionClient client, long handled) {
		String echo = TestNodeApplication.ECHO_PREFIX;
		assertThat(client.handled()).isEqualTo(handled);
		client.send(handled, echo + handled);
		client.send(handled + 1, echo + (handled + 1));
		assertThat(client.awaitDirects(1)).containsExactly(echo + (handled + 1));
	}

	/**
	 * Return how many broadcasts of other nodes a node keeps.
	 */
	private static int keptBy(Node node) {
		int[] count = new int[1];
		node.context()
			.getBean(LocalConnections.class)
			.keptBroadcasts((origin) -> !origin.equals(node.id()), (origin, kept) -> count[0] += kept.size());
		return count[0];
	}

	private long handledAtHome(String id) {
		return SessionConnectionProbe.handled(this.home.context().getBean(LocalConnections.class), id);
	}

}

package io.socketbox.spring.internal;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxStatistics;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link SingleNodeMessaging} over real {@link LocalConnections}.
 */
class SingleNodeMessagingTests {

	private static final String NODE_ID = "0mabcdefgh123456";

	private final LocalConnections connections = new LocalConnections();

	private final SingleNodeMessaging messaging = new SingleNodeMessaging(this.connections,
			JsonMapper.shared()::writeValueAsString);

	@AfterEach
	void shutDown() {
		this.connections.destroy();
	}

	@Test
	void broadcastReachesEveryLocalConnection() {
		RecordingConnection alice = connect(1, "alice");
		RecordingConnection bob = connect(2, null);
		this.messaging.broadcast("hello");
		assertThat(alice.sent).containsExactly("hello");
		assertThat(bob.sent).containsExactly("hello");
	}

	@Test
	void payloadsThatAreNotStringsAreWrittenAsJson() {
		RecordingConnection alice = connect(1, "alice");
		this.messaging.broadcast(Map.of("text", "hi"));
		assertThat(alice.sent).containsExactly("{\"text\":\"hi\"}");
	}

	@Test
	void loneSurrogatesAreReplaced() {
		RecordingConnection alice = connect(1, "alice");
		this.messaging.broadcast("EVIL\uD800");
		assertThat(alice.sent).containsExactly("EVIL\uFFFD");
	}

	@Test
	void sendByIdDeliversToThatConnectionOnly() {
		RecordingConnection alice = connect(1, "alice");
		RecordingConnection bob = connect(2, null);
		assertThat(this.messaging.send(alice.connection.getId(), "for alice")).isCompletedWithValue(SendResult.DELIVERED);
		assertThat(alice.sent).containsExactly("for alice");
		assertThat(bob.sent).isEmpty();
	}

	@Test
	void sendByIdOfNoLocalConnectionIsUnknownConnection() {
		RecordingConnection alice = connect(1, "alice");
		assertThat(this.messaging.send(NODE_ID + ".99", "x")).isCompletedWithValue(SendResult.UNKNOWN_CONNECTION);
		assertThat(this.messaging.send("0mzzzzzzzz999999.1", "x"))
			.as("same sequence number, another node or an earlier start of this one")
			.isCompletedWithValue(SendResult.UNKNOWN_CONNECTION);
		assertThat(this.messaging.send("1", "x")).as("no node").isCompletedWithValue(SendResult.UNKNOWN_CONNECTION);
		assertThat(alice.sent).isEmpty();
	}

	@Test
	void sendToAConnectionDeliversUntilItCloses() {
		RecordingConnection alice = connect(1, "alice");
		assertThat(this.messaging.send(alice.connection, "first")).isCompletedWithValue(SendResult.DELIVERED);
		alice.connection.close(CloseStatus.NORMAL);
		assertThat(this.messaging.send(alice.connection, "after close"))
			.isCompletedWithValue(SendResult.UNKNOWN_CONNECTION);
		assertThat(alice.sent).containsExactly("first");
	}

	@Test
	void sendToUserReachesEveryConnectionOfThatUser() {
		RecordingConnection aliceOnPhone = connect(1, "alice");
		RecordingConnection aliceOnLaptop = connect(2, "alice");
		RecordingConnection bob = connect(3, "bob");
		RecordingConnection anonymous = connect(4, null);
		assertThat(this.messaging.sendToUser("alice", "for alice")).isCompletedWithValue(2);
		assertThat(this.messaging.sendToUser("carol", "for carol")).isCompletedWithValue(0);
		assertThat(aliceOnPhone.sent).containsExactly("for alice");
		assertThat(aliceOnLaptop.sent).containsExactly("for alice");
		assertThat(bob.sent).isEmpty();
		assertThat(anonymous.sent).isEmpty();
	}

	@Test
	void localConnectionsAreTheOpenOnes() {
		RecordingConnection alice = connect(1, "alice");
		RecordingConnection bob = connect(2, null);
		assertThat(this.messaging.getLocalConnections()).containsExactlyInAnyOrder(alice.connection,
				bob.connection);
		this.connections.remove(bob.connection);
		assertThat(this.messaging.getLocalConnections()).containsExactly(alice.connection);
	}

	@Test
	void statisticsCountOpenConnectionsAndClientsCutOff() {
		connect(1, "alice");
		RecordingConnection failing = connect(2, "bob", new IOException("Broken pipe"));
		assertThat(this.messaging.getStatistics()).isEqualTo(new SocketBoxStatistics(2, 0, 0, 0));
		this.messaging.send(failing.connection, "lost");
		assertThat(this.messaging.getStatistics()).isEqualTo(new SocketBoxStatistics(1, 0, 0, 1));
	}

	private RecordingConnection connect(int sequence, @Nullable String user) {
		return connect(sequence, user, null);
	}

	private RecordingConnection connect(int sequence, @Nullable String user, @Nullable Throwable writeFailure) {
		WebSocketSession session = mock(WebSocketSession.class);
		Principal principal = (user != null) ? () -> user : null;
		given(session.getPrincipal()).willReturn(principal);
		List<String> sent = new CopyOnWriteArrayList<>();
		TextSender sender = (messages, completion) -> {
			messages.forEach((message) -> sent.add(message.text()));
			completion.accept(writeFailure);
		};
		LocalConnection connection = new LocalConnection(NODE_ID + "." + sequence, session, sender, Runnable::run,
				new ConnectionOutbox.Limits(TimeUnit.SECONDS.toNanos(10), 1024, 0), this.connections.outboxListener());
		this.connections.add(connection);
		this.connections.open(connection);
		return new RecordingConnection(connection, sent);
	}

	private record RecordingConnection(LocalConnection connection, List<String> sent) {

	}

}

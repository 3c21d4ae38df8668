package io.socketbox.spring.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.internal.session.DirectBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session handed over from another node holds other senders' messages until that node
 * has left, so that none overtakes an earlier one the old home still forwards.
 */
class SessionConnectionTests {

	private final List<String> relayed = new ArrayList<>();

	private final SessionRouter router = new SessionRouter() {

		@Override
		public String homeOf(String sessionId) {
			return null;
		}

		@Override
		public java.util.concurrent.CompletableFuture<Integer> attach(String home, String sessionId, long received) {
			return java.util.concurrent.CompletableFuture.completedFuture(UNKNOWN);
		}

		@Override
		public void detached(String home, String sessionId, boolean ended) {
		}

		@Override
		public void relay(String nodeId, String sessionId, OutboundText frame) {
			SessionConnectionTests.this.relayed.add(frame.text());
		}

		@Override
		public void close(String nodeId, String sessionId, org.springframework.web.socket.CloseStatus status) {
		}

		@Override
		public void handled(String nodeId, String sessionId, long seq) {
		}

		@Override
		public java.util.concurrent.CompletableFuture<?> supersede(String nodeId, String sessionId,
				org.springframework.web.socket.CloseStatus status) {
			return java.util.concurrent.CompletableFuture.completedFuture(null);
		}

		@Override
		public boolean isSettled() {
			return true;
		}

		@Override
		public java.util.concurrent.CompletableFuture<?> whenSettled() {
			return java.util.concurrent.CompletableFuture.completedFuture(null);
		}

	};

	@Test
	void otherSendersWaitUntilTheOldHomeHasLeftAndThenFollowInOrder() {
		SessionConnection session = new SessionConnection("a.1", null, Map.of(), new DirectBuffer(100, 64 * 1024),
				(s, status) -> {
				}, new RemoteTransport("client-node", "a.1", this.router), System.nanoTime(), 0);
		session.fence("old-home");
		assertThat(session.deliverFrom(OutboundText.of("from S, after the move"), "s-node")).isTrue();
		assertThat(session.deliverFrom(OutboundText.of("local, after the move"), null)).isTrue();
		assertThat(session.deliverFrom(OutboundText.of("forwarded by the old home"), "old-home")).isTrue();
		assertThat(this.relayed).containsExactly("d 1 forwarded by the old home");
		session.lift("another-node");
		assertThat(this.relayed).hasSize(1);
		session.lift("old-home");
		assertThat(this.relayed).containsExactly("d 1 forwarded by the old home", "d 2 from S, after the move",
				"d 3 local, after the move");
		assertThat(session.deliverFrom(OutboundText.of("later"), "s-node")).isTrue();
		assertThat(this.relayed).endsWith("d 4 later");
	}

	@Test
	void aSessionHandedOnBeforeTheOldHomeHasLeftCarriesWhatItHeld() {
		SessionConnection session = new SessionConnection("a.1", null, Map.of(), new DirectBuffer(100, 64 * 1024),
				(s, status) -> {
				}, new RemoteTransport("client-node", "a.1", this.router), System.nanoTime(), 0);
		session.fence("old-home");
		session.deliverFrom(OutboundText.of("forwarded by the old home"), "old-home");
		session.deliverFrom(OutboundText.of("from S, held"), "s-node");
		session.deliverFrom(OutboundText.of("local, held"), null);
		SessionConnection.Handover handover = session.handOver();
		assertThat(handover).isNotNull();
		assertThat(handover.last()).isEqualTo(3);
		assertThat(handover.frames()).containsExactly("d 1 forwarded by the old home", "d 2 from S, held",
				"d 3 local, held");
		assertThat(session.deliverFrom(OutboundText.of("after the handover"), "s-node")).isFalse();
	}

	@Test
	void aSessionThatIsNotHandedOverHoldsNothing() {
		SessionConnection session = new SessionConnection("a.1", null, Map.of(), new DirectBuffer(100, 64 * 1024),
				(s, status) -> {
				}, new RemoteTransport("client-node", "a.1", this.router), System.nanoTime(), 0);
		session.deliverFrom(OutboundText.of("one"), "s-node");
		session.deliverFrom(OutboundText.of("two"), null);
		assertThat(this.relayed).containsExactly("d 1 one", "d 2 two");
	}

	@Test
	void aClientMessageIsHandledOnceAndOnlyFromTheCurrentConnection() {
		RemoteTransport first = new RemoteTransport("first-node", "a.1", this.router);
		RemoteTransport second = new RemoteTransport("second-node", "a.1", this.router);
		SessionConnection session = new SessionConnection("a.1", null, Map.of(), new DirectBuffer(100, 64 * 1024),
				(s, status) -> {
				}, first, System.nanoTime(), 3);
		assertThat(session.handle(first, 3)).as("sent again").isFalse();
		assertThat(session.handle(first, 4)).isTrue();
		assertThat(session.handle(first, 4)).as("sent again").isFalse();
		assertThat(session.handle(first, 7)).as("the client skipped 5 and 6").isTrue();
		session.attach(second, 0, (gap) -> {
		});
		assertThat(session.handle(first, 8)).as("read on a superseded connection").isFalse();
		session.handledAt("first-node", 8);
		assertThat(session.handled()).as("a report of a node the client has left").isEqualTo(7);
		session.handledAt("second-node", 9);
		assertThat(session.handled()).isEqualTo(9);
		session.handledAt("second-node", 2);
		assertThat(session.handled()).as("an older report").isEqualTo(9);
		assertThat(session.handle(second, 9)).isFalse();
		assertThat(session.handle(second, 10)).isTrue();
	}

	@Test
	void aSessionHandedOverTakesNoMoreMessagesAndCarriesHowFarItGot() {
		RemoteTransport connection = new RemoteTransport("client-node", "a.1", this.router);
		SessionConnection session = new SessionConnection("a.1", null, Map.of(), new DirectBuffer(100, 64 * 1024),
				(s, status) -> {
				}, connection, System.nanoTime(), 0);
		assertThat(session.handle(connection, 1)).isTrue();
		assertThat(session.handle(connection, 2)).isTrue();
		SessionConnection.Handover handover = session.handOver();
		assertThat(handover).isNotNull();
		assertThat(handover.handled()).isEqualTo(2);
		assertThat(session.handle(connection, 3)).as("the client sends it again to the heir").isFalse();
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * Tests for the heartbeat round trip of a {@link PeerChannel}: a periodic heartbeat
 * carries a ping, the peer's next heartbeat echoes it as a pong, and the round trip is
 * measured on this node's clock alone.
 */
class HeartbeatRoundTripTests {

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<String> written = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	@Test
	void periodicHeartbeatCarriesAPingAndAnAnswerCompletesTheRoundTrip() {
		PeerChannel channel = linkedChannel();
		assertThat(channel.lastRoundTripNanos()).isEqualTo(-1);
		channel.tick(System.nanoTime());
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.written.isEmpty());
		String[] heartbeat = this.written.get(0).split(" ");
		assertThat(heartbeat[0]).isEqualTo("hb");
		assertThat(heartbeat[2]).as("ping").isNotEqualTo("null");
		assertThat(heartbeat[3]).as("pong").isEqualTo("null");
		long ping = Long.parseLong(heartbeat[2]);
		long roundTrip = channel.heartbeatReceived(null, ping, ping + 1_500_000);
		assertThat(roundTrip).isEqualTo(1_500_000);
		assertThat(channel.lastRoundTripNanos()).isEqualTo(1_500_000);
	}

	@Test
	void pingFromThePeerIsEchoedAtOnceWithoutAPingOfItsOwn() {
		PeerChannel channel = linkedChannel();
		assertThat(channel.heartbeatReceived(42L, null, System.nanoTime())).as("no round trip completed")
			.isEqualTo(-1);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.written.isEmpty());
		assertThat(this.written.get(0)).isEqualTo("hb 0 null 42");
		assertThat(channel.lastRoundTripNanos()).isEqualTo(-1);
	}

	@Test
	void pongFromTheFutureIsIgnored() {
		PeerChannel channel = linkedChannel();
		long now = System.nanoTime();
		assertThat(channel.heartbeatReceived(null, now + 1_000, now)).isEqualTo(-1);
		assertThat(channel.lastRoundTripNanos()).isEqualTo(-1);
	}

	@Test
	void pongThatIsNotThisNodesLastPingIsIgnoredAndAPongCountsOnce() {
		PeerChannel channel = linkedChannel();
		channel.tick(System.nanoTime());
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.written.isEmpty());
		long ping = Long.parseLong(this.written.get(0).split(" ")[2]);
		assertThat(channel.heartbeatReceived(null, 0L, ping + 1_000)).as("made-up time").isEqualTo(-1);
		assertThat(channel.heartbeatReceived(null, ping - 1, ping + 1_000)).as("not our ping").isEqualTo(-1);
		assertThat(channel.lastRoundTripNanos()).isEqualTo(-1);
		assertThat(channel.heartbeatReceived(null, ping, ping + 1_000)).isEqualTo(1_000);
		assertThat(channel.heartbeatReceived(null, ping, ping + 9_000)).as("echoed again").isEqualTo(-1);
		assertThat(channel.lastRoundTripNanos()).isEqualTo(1_000);
	}

	private PeerChannel linkedChannel() {
		WebSocketSession session = mock(WebSocketSession.class);
		try {
			willAnswer((invocation) -> {
				this.written.add(invocation.<TextMessage>getArgument(0).getPayload());
				return null;
			}).given(session).sendMessage(any());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		PeerChannel channel = new PeerChannel("peer", "ws://peer",
				new PeerChannel.Settings(Duration.ofSeconds(3), Duration.ofSeconds(10), 1024 * 1024, 256, 64 * 1024,
						1024 * 1024),
				this.executor, new PeerDrops((event) -> {
				}, 1024 * 1024), (ack, ping, pong) -> new TextMessage("hb " + ack + " " + ping + " " + pong));
		channel.linkUp(new PeerLink("peer", "ws://peer", session), 0);
		return channel;
	}

}

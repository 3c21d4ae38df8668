package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.InOrder;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.StringUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link PeerChannel}'s writes: frames that queue up while a write is under
 * way go together in the next one, within the batch limit and in order, and the thread
 * that reads never writes; and for what it counts as dropped.
 */
@ExtendWith(OutputCaptureExtension.class)
class PeerChannelTests {

	private static final String UNSENDABLE = "Dropped frame(s) ";

	private static final String REPEATED_FAILURE = " times in a row before frame ";

	private final PeerDrops drops = new PeerDrops((event) -> {
	}, 1024 * 1024);

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<String> written = new CopyOnWriteArrayList<>();

	private final CountDownLatch firstWriteStarted = new CountDownLatch(1);

	private final CountDownLatch releaseWrites = new CountDownLatch(1);

	@AfterEach
	void stop() {
		this.releaseWrites.countDown();
		this.executor.shutdownNow();
	}

	@Test
	void framesQueuedDuringAWriteGoInOneWrite() throws Exception {
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		channel.enqueue(outbound(1, "first"));
		assertThat(this.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
		for (int sequence = 2; sequence <= 11; sequence++) {
			channel.enqueue(outbound(sequence, "frame-" + sequence));
		}
		this.releaseWrites.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.written.size() == 2);
		assertThat(this.written.get(0)).isEqualTo("first");
		assertThat(PeerFrames.split(this.written.get(1))).containsExactly("frame-2", "frame-3", "frame-4", "frame-5",
				"frame-6", "frame-7", "frame-8", "frame-9", "frame-10", "frame-11");
	}

	@Test
	void writesStayWithinTheBatchLimit() throws Exception {
		PeerChannel channel = channelWhoseWritesWait(40);
		channel.enqueue(outbound(1, "first"));
		assertThat(this.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
		// 9 characters each, 10 with the separator: four fit in 40
		for (int sequence = 2; sequence <= 11; sequence++) {
			channel.enqueue(outbound(sequence, "frame-%03d".formatted(sequence)));
		}
		channel.enqueue(outbound(12, "x".repeat(100)));
		this.releaseWrites.countDown();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.written.stream().mapToInt((frame) -> PeerFrames.split(frame).size()).sum() == 12);
		assertThat(this.written.subList(1, this.written.size())).containsExactly(
				"frame-002\nframe-003\nframe-004\nframe-005", "frame-006\nframe-007\nframe-008\nframe-009",
				"frame-010\nframe-011", "x".repeat(100));
	}

	@Test
	void threadThatReadsNeverWaitsForAWriteToAcknowledge() throws Exception {
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		PeerLink link = channel.link();
		channel.enqueue(outbound(1, "first"));
		assertThat(this.firstWriteStarted.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
			for (long sequence = 1; sequence <= 256; sequence++) {
				channel.receive(link, sequence, () -> {
				});
			}
		});
		// The 256th frame calls for an acknowledgement while the link's write still waits
		reading.get(5, TimeUnit.SECONDS);
		this.releaseWrites.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.written.contains("hb 256"));
		assertThat(this.written).containsExactly("first", "hb 256");
	}

	@Test
	void heartbeatDoesNotWaitForADeliveryInProgress() throws Exception {
		this.releaseWrites.countDown();
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		PeerLink link = channel.link();
		CountDownLatch delivering = new CountDownLatch(1);
		CountDownLatch finishDelivery = new CountDownLatch(1);
		CompletableFuture<Boolean> slowDelivery = CompletableFuture.supplyAsync(() -> channel.receive(link, 1, () -> {
			delivering.countDown();
			awaitQuietly(finishDelivery);
		}));
		assertThat(delivering.await(5, TimeUnit.SECONDS)).isTrue();
		channel.tick(System.nanoTime());
		await().atMost(Duration.ofSeconds(5)).until(() -> this.written.contains("hb 1"));
		assertThat(slowDelivery).isNotDone();
		finishDelivery.countDown();
		assertThat(slowDelivery.get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void requestAcknowledgedButNotAnsweredFailsWhenThePeerBecomesUnreachable() throws Exception {
		this.releaseWrites.countDown();
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		PeerLink link = channel.link();
		CompletableFuture<Integer> answered = new CompletableFuture<>();
		CompletableFuture<Integer> unanswered = new CompletableFuture<>();
		channel.enqueue(request(1, answered));
		channel.enqueue(request(2, unanswered));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.written.stream().mapToInt((frame) -> PeerFrames.split(frame).size()).sum() == 2);
		channel.acknowledged(2);
		answered.complete(1);
		channel.linkDown(link);
		channel.tick(System.nanoTime() + Duration.ofSeconds(3).toNanos() + 1);
		assertThat(channel.state()).isEqualTo(PeerChannel.State.UNREACHABLE);
		assertThat(unanswered).isCompletedWithValue(PeerChannel.LINK_LOST);
		assertThat(answered).isCompletedWithValue(1);
	}

	@Test
	void requestAcknowledgedButNotAnsweredFailsWhenThePeerIsGone() throws Exception {
		this.releaseWrites.countDown();
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		CompletableFuture<Integer> unanswered = new CompletableFuture<>();
		channel.enqueue(request(1, unanswered));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.written.size() == 1);
		channel.acknowledged(1);
		assertThat(unanswered).isNotDone();
		channel.discard();
		assertThat(unanswered).isCompletedWithValue(PeerChannel.LINK_LOST);
	}

	@Test
	void gossipThatOutlivesTheResendWindowIsNotCountedAsDropped() throws Exception {
		this.releaseWrites.countDown();
		PeerChannel channel = channelWhoseWritesWait(64 * 1024);
		channel.linkDown(channel.link());
		channel.enqueue(outbound(1, "message"));
		channel.enqueue(gossip(2));
		channel.tick(System.nanoTime() + Duration.ofSeconds(10).toNanos() + 1);
		assertThat(channel.state()).isEqualTo(PeerChannel.State.EXPIRED);
		assertThat(this.drops.getDroppedMessages()).isOne();
		channel.enqueue(gossip(3));
		channel.enqueue(outbound(4, "message"));
		assertThat(this.drops.getDroppedMessages()).isEqualTo(2);
	}

	@Test
	void leavingPeerIsConfirmedByTheDrainTaskBeforeTheLinkCloses() throws Exception {
		List<String> writers = new CopyOnWriteArrayList<>();
		WebSocketSession session = mock(WebSocketSession.class);
		willAnswer((invocation) -> {
			this.written.add(invocation.<TextMessage>getArgument(0).getPayload());
			writers.add(Thread.currentThread().getName());
			return null;
		}).given(session).sendMessage(any());
		PeerChannel channel = channel(64 * 1024);
		PeerLink link = new PeerLink("peer", "ws://peer", session);
		channel.linkUp(link, 0);
		assertThat(channel.receive(link, 7, () -> channel.closeOnceConfirmed(CloseStatus.GOING_AWAY))).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(link::isClosedHere);
		assertThat(this.written).containsExactly("hb 7");
		assertThat(writers).doesNotContain(Thread.currentThread().getName());
		InOrder order = inOrder(session);
		order.verify(session).sendMessage(any());
		order.verify(session).close(CloseStatus.GOING_AWAY);
	}

	@Test
	void frameThatCannotBeEncodedIsDroppedAndNeverSentAgain(CapturedOutput output) throws Exception {
		PeerChannel channel = channel(64 * 1024);
		WebSocketSession first = encodingSession();
		PeerLink firstLink = new PeerLink("peer", "ws://peer", first);
		channel.enqueue(outbound(1, "ok-1"));
		channel.enqueue(outbound(2, "bad\ud800"));
		channel.enqueue(outbound(3, "ok-3"));
		channel.linkUp(firstLink, 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.drops.getDroppedMessages() > 0);
		assertThat(this.drops.getDroppedMessages()).isOne();
		assertThat(output.getOut()).contains(UNSENDABLE + "[2] for peer ws://peer (peer)");
		channel.linkDown(firstLink);
		channel.linkUp(new PeerLink("peer", "ws://peer", encodingSession()), 0);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.written.size() == 1);
		assertThat(PeerFrames.split(this.written.get(0))).containsExactly("ok-1", "ok-3");
		assertThat(this.drops.getDroppedMessages()).isOne();
		assertThat(StringUtils.countOccurrencesOf(output.getOut(), UNSENDABLE)).isOne();
		assertThat(output.getOut()).doesNotContain(REPEATED_FAILURE);
	}

	@Test
	void linkThatKeepsFailingOnTheSameFrameSaysSo(CapturedOutput output) throws Exception {
		PeerChannel channel = channel(64 * 1024);
		channel.enqueue(outbound(1, "refused"));
		for (int attempt = 1; attempt <= PeerChannel.REPEATED_FAILURES; attempt++) {
			WebSocketSession session = mock(WebSocketSession.class);
			willAnswer((invocation) -> {
				throw new java.io.IOException("closed by peer");
			}).given(session).sendMessage(any());
			PeerLink link = new PeerLink("peer", "ws://peer", session);
			channel.linkUp(link, 0);
			await().atMost(Duration.ofSeconds(5)).until(link::isClosedHere);
			await().atMost(Duration.ofSeconds(5)).until(() -> channel.linkDown(link) || channel.link() == null);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains(REPEATED_FAILURE));
		assertThat(StringUtils.countOccurrencesOf(output.getOut(), REPEATED_FAILURE)).isOne();
		assertThat(output.getOut()).contains("failed " + PeerChannel.REPEATED_FAILURES + REPEATED_FAILURE + "1 was confirmed");
		assertThat(this.drops.getDroppedMessages()).isZero();
		assertThat(output.getOut()).doesNotContain(UNSENDABLE);
	}

	/**
	 * A session that encodes what it sends as Tomcat does and fails as Tomcat does on
	 * text that is not valid Unicode; what it sends is recorded.
	 */
	private WebSocketSession encodingSession() throws Exception {
		WebSocketSession session = mock(WebSocketSession.class);
		willAnswer((invocation) -> {
			TextMessage message = invocation.getArgument(0);
			java.nio.charset.CoderResult result = java.nio.charset.StandardCharsets.UTF_8.newEncoder()
				.encode(java.nio.CharBuffer.wrap(message.getPayload()),
						java.nio.ByteBuffer.allocate(4 * message.getPayload().length()), true);
			if (result.isError()) {
				throw new IllegalArgumentException(result.toString());
			}
			this.written.add(message.getPayload());
			return null;
		}).given(session).sendMessage(any());
		return session;
	}

	/**
	 * Create a channel on a link whose writes wait until {@link #releaseWrites}.
	 */
	private PeerChannel channelWhoseWritesWait(int batchLimitBytes) throws Exception {
		WebSocketSession session = mock(WebSocketSession.class);
		willAnswer((invocation) -> {
			TextMessage message = invocation.getArgument(0);
			this.written.add(message.getPayload());
			this.firstWriteStarted.countDown();
			this.releaseWrites.await(5, TimeUnit.SECONDS);
			return null;
		}).given(session).sendMessage(any());
		PeerChannel channel = channel(batchLimitBytes);
		channel.linkUp(new PeerLink("peer", "ws://peer", session), 0);
		return channel;
	}

	private PeerChannel channel(int batchLimitBytes) {
		return new PeerChannel("peer", "ws://peer", new PeerChannel.Settings(Duration.ofSeconds(3),
				Duration.ofSeconds(10), 1024 * 1024, 256, batchLimitBytes, 1024 * 1024), this.executor, this.drops,
				(acknowledged, ping, pong) -> new TextMessage("hb " + acknowledged));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static PeerChannel.Outbound request(long sequence, CompletableFuture<Integer> reply) {
		String text = "request-" + sequence;
		return new PeerChannel.Outbound(sequence, new TextMessage(text), text.length(), reply);
	}

	private static PeerChannel.Outbound gossip(long sequence) {
		String text = "members-" + sequence;
		return new PeerChannel.Outbound(sequence, new TextMessage(text), text.length(), null, true);
	}

	private static PeerChannel.Outbound outbound(long sequence, String text) {
		return new PeerChannel.Outbound(sequence, new TextMessage(text), text.length(), null);
	}

}

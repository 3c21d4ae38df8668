package io.socketbox.spring.internal.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import javax.net.ssl.SSLHandshakeException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.ArgumentCaptor;

import io.socketbox.spring.internal.cluster.MemberTable.Member;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;

/**
 * Tests for {@link Dialer}, on a clock that moves only when told, with a client that
 * connects nowhere and a scheduler whose tasks the tests run.
 */
@ExtendWith(OutputCaptureExtension.class)
class DialerTests {

	private static final Duration INITIAL = Duration.ofMillis(100);

	private static final Duration MAX = Duration.ofMillis(1000);

	private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

	private static final List<Member> MEMBERS = List.of(new Member("a", "ws://a/cluster"));

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final Set<String> links = new HashSet<>();

	private final FakeClient client = new FakeClient();

	private final List<Dialer.Dial> dials = new ArrayList<>();

	private final ScheduledExecutorService scheduler = mock(ScheduledExecutorService.class);

	@Test
	void backoffDoublesUpToTheMaxWithJitterOfUpToHalf() {
		Dialer shortest = dialer("m", (bound) -> 0);
		Dialer longest = dialer("m", (bound) -> bound - 1);
		long[] expected = { 100, 200, 400, 800, 1000, 1000 };
		for (int attempt = 1; attempt <= expected.length; attempt++) {
			long delay = TimeUnit.MILLISECONDS.toNanos(expected[attempt - 1]);
			assertThat(shortest.backoff(attempt)).as("attempt %d", attempt).isEqualTo(delay / 2);
			assertThat(longest.backoff(attempt)).as("attempt %d", attempt).isEqualTo(delay);
		}
		assertThat(longest.backoff(1000)).isEqualTo(MAX.toNanos());
		Dialer random = new Dialer("m", new Dialer.Settings(INITIAL, MAX, DIAL_TIMEOUT), this.client, this::handler,
				this.links::contains, this.scheduler, this.clock::get, new SplittableRandom());
		for (int i = 0; i < 1000; i++) {
			assertThat(random.backoff(3)).isBetween(Duration.ofMillis(200).toNanos(), Duration.ofMillis(400).toNanos());
		}
	}

	@Test
	void onlyTheHigherIdDials() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		dialer.dial(List.of(new Member("a", "ws://a/cluster"), new Member("z", "ws://z/cluster")));
		assertThat(this.client.dialed).containsExactly(URI.create("ws://a/cluster"));
		assertThat(this.dials).extracting(Dialer.Dial::id).containsExactly("a");
		assertThat(dialer.dials("a")).isTrue();
		assertThat(dialer.dials("z")).isFalse();
	}

	@Test
	void memberWithALiveLinkIsNotDialed() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		this.links.add("a");
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).isEmpty();
	}

	@Test
	void dialInProgressIsNotRepeatedUntilTheDialTimeout() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		this.client.outcome = null;
		dialer.dial(MEMBERS);
		assertThat(dialer.isDialing("a")).isTrue();
		advance(DIAL_TIMEOUT.minusMillis(1));
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).hasSize(1);
		advance(Duration.ofMillis(1));
		assertThat(dialer.isDialing("a")).isFalse();
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).hasSize(2);
		assertThat(dialer.isDialing("a")).isTrue();
	}

	@Test
	void failedDialIsTriedAgainOnceItsBackoffIsOver() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		dialer.dial(MEMBERS);
		assertThat(dialer.isDialing("a")).isFalse();
		Runnable retry = scheduledRetry(INITIAL);
		advance(INITIAL.minusMillis(1));
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).hasSize(1);
		advance(Duration.ofMillis(1));
		retry.run();
		assertThat(this.client.dialed).hasSize(2);
		scheduledRetry(INITIAL.multipliedBy(2));
	}

	@Test
	void backoffStartsAgainOnceALinkComesUp() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		for (Duration delay : List.of(INITIAL, INITIAL.multipliedBy(2), INITIAL.multipliedBy(4))) {
			dialer.dial(MEMBERS);
			scheduledRetry(delay);
			advance(delay);
		}
		this.client.outcome = null;
		dialer.dial(MEMBERS);
		Dialer.Dial linked = this.dials.get(this.dials.size() - 1);
		this.links.add("a");
		linked.linked().complete(null);
		advance(Duration.ofSeconds(1));
		this.links.remove("a");
		linked.closed().complete(true);
		scheduledRetry(INITIAL);
		this.client.outcome = CompletableFuture.failedFuture(new IllegalStateException("refused"));
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).hasSize(5);
		scheduledRetry(INITIAL);
	}

	@Test
	void tlsFailureIsLoggedAtWarnOncePerMemberUntilALinkComesUp(CapturedOutput output) {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		this.client.outcome = CompletableFuture.failedFuture(tlsFailure());
		for (Duration delay : List.of(INITIAL, INITIAL.multipliedBy(2), INITIAL.multipliedBy(4))) {
			dialer.dial(MEMBERS);
			scheduledRetry(delay);
			advance(delay);
		}
		assertThat(this.client.dialed).hasSize(3);
		assertThat(tlsWarnings(output)).isEqualTo(1);
		this.client.outcome = null;
		dialer.dial(MEMBERS);
		Dialer.Dial linked = this.dials.get(this.dials.size() - 1);
		this.links.add("a");
		linked.linked().complete(null);
		this.links.remove("a");
		linked.closed().complete(true);
		scheduledRetry(INITIAL);
		this.client.outcome = CompletableFuture.failedFuture(tlsFailure());
		advance(INITIAL);
		dialer.dial(MEMBERS);
		assertThat(tlsWarnings(output)).isEqualTo(2);
	}

	@Test
	void failureOtherThanTlsIsNotLoggedAtWarn(CapturedOutput output) {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		dialer.dial(MEMBERS);
		assertThat(this.client.dialed).hasSize(1);
		assertThat(output.getOut()).doesNotContain("WARN");
	}

	private static Exception tlsFailure() {
		return new IllegalStateException("The HTTP request to initiate the WebSocket connection failed",
				new SSLHandshakeException("PKIX path building failed"));
	}

	private static int tlsWarnings(CapturedOutput output) {
		String warning = "Could not open a TLS link to ws://a/cluster (a): PKIX path building failed";
		return output.getOut().split(Pattern.quote(warning), -1).length - 1;
	}

	@Test
	void closeOfAnEarlierDialIsIgnored() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		this.client.outcome = null;
		dialer.dial(MEMBERS);
		advance(DIAL_TIMEOUT);
		dialer.dial(MEMBERS);
		this.dials.get(0).closed().complete(false);
		assertThat(dialer.isDialing("a")).isTrue();
		then(this.scheduler).should(never()).schedule(any(Runnable.class), anyLong(), any());
	}

	@Test
	void clearForgetsDialsInProgress() {
		Dialer dialer = dialer("m", (bound) -> bound - 1);
		this.client.outcome = null;
		dialer.dial(MEMBERS);
		dialer.clear();
		assertThat(dialer.isDialing("a")).isFalse();
		this.dials.get(0).closed().complete(false);
		then(this.scheduler).should(never()).schedule(any(Runnable.class), anyLong(), any());
	}

	/**
	 * Return the task scheduled after the last dial ended, checking its delay.
	 */
	private Runnable scheduledRetry(Duration delay) {
		ArgumentCaptor<Runnable> task = ArgumentCaptor.forClass(Runnable.class);
		then(this.scheduler).should().schedule(task.capture(), eq(delay.toNanos()), eq(TimeUnit.NANOSECONDS));
		clearInvocations(this.scheduler);
		return task.getValue();
	}

	private Dialer dialer(String localId, LongUnaryOperator jitter) {
		RandomGenerator random = new RandomGenerator() {

			@Override
			public long nextLong() {
				throw new UnsupportedOperationException();
			}

			@Override
			public long nextLong(long bound) {
				return jitter.applyAsLong(bound);
			}

		};
		return new Dialer(localId, new Dialer.Settings(INITIAL, MAX, DIAL_TIMEOUT), this.client, this::handler,
				this.links::contains, this.scheduler, this.clock::get, random);
	}

	private WebSocketHandler handler(Dialer.Dial dial) {
		this.dials.add(dial);
		return mock(WebSocketHandler.class);
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	/**
	 * A client that records what it dials and answers with the given outcome, or with a
	 * connection that never completes.
	 */
	private static final class FakeClient implements WebSocketClient {

		private final List<URI> dialed = new ArrayList<>();

		private @Nullable CompletableFuture<WebSocketSession> outcome = CompletableFuture
			.failedFuture(new IllegalStateException("refused"));

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler, String uriTemplate,
				@Nullable Object... uriVariables) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<WebSocketSession> execute(WebSocketHandler handler,
				@Nullable WebSocketHttpHeaders headers, URI uri) {
			this.dialed.add(uri);
			return (this.outcome != null) ? this.outcome : new CompletableFuture<>();
		}

	}

}

package io.socketbox.spring.internal.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import javax.net.ssl.SSLException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.cluster.MemberTable.Member;

import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.WebSocketClient;

/**
 * Dials the members this node links to. Of two members, the one with the higher id
 * dials the other, so each pair has one link; ids begin with the start time, so a node
 * that joins dials every member it finds instead of waiting for them. A member that
 * cannot be reached is dialed again after an exponential backoff with jitter, so that
 * the peers of a returning node do not all dial at once; a dial that neither succeeds
 * nor fails is given up on after the dial timeout. Each dial reports its outcome
 * itself, through its {@link Dial}.
 */
final class Dialer {

	private static final Log logger = LogFactory.getLog(Dialer.class);

	/**
	 * Attempts beyond this many all wait for the longest delay (and a shift by more
	 * would overflow).
	 */
	private static final int MAX_DOUBLINGS = 30;

	private final String localId;

	private final Settings settings;

	private final WebSocketClient client;

	private final Function<Dial, WebSocketHandler> handlers;

	private final Predicate<String> linked;

	private final ScheduledExecutorService scheduler;

	private final LongSupplier nanoClock;

	private final RandomGenerator random;

	private final Map<String, DialState> states = new HashMap<>();

	/**
	 * Create a dialer.
	 * @param localId the id of this node
	 * @param settings the timing of dials
	 * @param client the client that dials
	 * @param handlers creates the handler of a dial, which completes it
	 * @param linked whether this node has a live link to a member
	 * @param scheduler runs the next attempt after a failed dial
	 * @param nanoClock the local clock, as {@link System#nanoTime()}
	 * @param random the source of the jitter
	 */
	Dialer(String localId, Settings settings, WebSocketClient client, Function<Dial, WebSocketHandler> handlers,
			Predicate<String> linked, ScheduledExecutorService scheduler, LongSupplier nanoClock,
			RandomGenerator random) {
		this.localId = localId;
		this.settings = settings;
		this.client = client;
		this.handlers = handlers;
		this.linked = linked;
		this.scheduler = scheduler;
		this.nanoClock = nanoClock;
		this.random = random;
	}

	/**
	 * Dial the given members that this node dials, has no link to and whose next
	 * attempt is due; forget the dial state of members not given.
	 * @param members the current members
	 */
	synchronized void dial(Collection<Member> members) {
		Set<String> ids = members.stream().map(Member::id).collect(Collectors.toSet());
		this.states.keySet().retainAll(ids);
		long now = this.nanoClock.getAsLong();
		for (Member member : members) {
			if (dials(member.id())) {
				this.states.computeIfAbsent(member.id(), (id) -> new DialState(member, now)).member = member;
			}
		}
		dialDue();
	}

	/**
	 * Whether a dial to the given member is in progress.
	 */
	synchronized boolean isDialing(String id) {
		DialState state = this.states.get(id);
		return state != null && isDialing(state, this.nanoClock.getAsLong());
	}

	/**
	 * Forget every dial state; dials in progress report to nobody.
	 */
	synchronized void clear() {
		this.states.clear();
	}

	/**
	 * Whether this node dials the given member: the higher id dials the lower.
	 */
	boolean dials(String id) {
		return this.localId.compareTo(id) > 0;
	}

	/**
	 * Return how long to wait before the given attempt: the initial delay, doubled for
	 * every attempt after the first up to the longest delay, then a random part of it
	 * taken off, up to half.
	 * @param attempt the attempt, from 1
	 * @return the delay in nanoseconds
	 */
	long backoff(int attempt) {
		long initial = this.settings.initialDelay().toNanos();
		long max = this.settings.maxDelay().toNanos();
		long delay = (attempt > MAX_DOUBLINGS) ? max : Math.min(max, initial << Math.max(0, attempt - 1));
		return delay / 2 + this.random.nextLong(delay / 2 + 1);
	}

	private synchronized void dialDue() {
		long now = this.nanoClock.getAsLong();
		for (DialState state : this.states.values()) {
			if (!this.linked.test(state.member.id()) && !isDialing(state, now) && now - state.nextAt >= 0) {
				dial(state, now);
			}
		}
	}

	private boolean isDialing(DialState state, long now) {
		return state.current != null && now - state.startedAt < this.settings.dialTimeout().toNanos();
	}

	private void dial(DialState state, long now) {
		Member member = state.member;
		state.nextAt = now + backoff(++state.attempts);
		URI uri;
		try {
			uri = URI.create(member.name());
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Member " + member.id() + " registered an invalid name '" + member.name() + "'");
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Dialing " + member.name() + " (" + member.id() + ")");
		}
		Dial dial = new Dial(member.id(), member.name(), new CompletableFuture<>(), new CompletableFuture<>());
		state.current = dial;
		state.startedAt = now;
		dial.linked().thenRun(() -> linked(dial));
		dial.closed().thenAccept((wasLinked) -> closed(dial, wasLinked));
		this.client.execute(this.handlers.apply(dial), new WebSocketHttpHeaders(), uri).whenComplete((session, ex) -> {
			if (ex != null) {
				failed(dial, ex);
				dial.closed().complete(false);
			}
		});
	}

	/**
	 * Log a dial that could not open a link: a TLS failure at WARN level once per member
	 * until a link to it comes up, since it will not mend by itself; anything else at
	 * DEBUG level, as a member that is starting or stopping is expected to be unreachable
	 * for a while.
	 */
	private synchronized void failed(Dial dial, Throwable ex) {
		SSLException tlsFailure = tlsFailure(ex);
		DialState state = this.states.get(dial.id());
		if (tlsFailure != null && state != null && !state.tlsFailureLogged) {
			state.tlsFailureLogged = true;
			logger.warn("Could not open a TLS link to " + dial.name() + " (" + dial.id() + "): "
					+ tlsFailure.getMessage() + ". Check that socketbox.cluster.ssl.bundle on this node trusts "
					+ "that node's server certificate and, where that node requires client certificates "
					+ "(server.ssl.client-auth), that the bundle has a key it trusts. Retrying with backoff; "
					+ "further failures are logged at DEBUG level");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Could not reach " + dial.name() + ": " + ex.getMessage());
		}
	}

	private static @Nullable SSLException tlsFailure(Throwable ex) {
		Throwable cause = ex;
		// Bounded, in case of a chain of causes that loops
		for (int depth = 0; cause != null && depth < 16; depth++) {
			if (cause instanceof SSLException ssl) {
				return ssl;
			}
			cause = cause.getCause();
		}
		return null;
	}

	private synchronized void linked(Dial dial) {
		DialState state = this.states.get(dial.id());
		if (state != null) {
			state.tlsFailureLogged = false;
			state.attempts = 0;
			state.nextAt = this.nanoClock.getAsLong();
		}
	}

	private synchronized void closed(Dial dial, boolean wasLinked) {
		DialState state = this.states.get(dial.id());
		if (state == null || state.current != dial) {
			return;
		}
		state.current = null;
		// A link that was up is dialed again soon; a failed dial when its backoff is over
		long delay = wasLinked ? backoff(1) : state.nextAt - this.nanoClock.getAsLong();
		if (!this.scheduler.isShutdown()) {
			this.scheduler.schedule(this::dialDue, Math.max(0, delay), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * The timing of dials.
	 *
	 * @param initialDelay the delay before the first attempt to reconnect
	 * @param maxDelay the longest delay between attempts to reconnect
	 * @param dialTimeout how long a dial may be in progress before it is tried again
	 */
	record Settings(Duration initialDelay, Duration maxDelay, Duration dialTimeout) {

	}

	/**
	 * One attempt to link to a member, completed by the handler of its link.
	 *
	 * @param id the id of the member
	 * @param name the name of the member, the URL dialed
	 * @param linked completed when the link is authenticated
	 * @param closed completed when the link closes or cannot be opened, with whether it
	 * had been authenticated
	 */
	record Dial(String id, String name, CompletableFuture<Void> linked, CompletableFuture<Boolean> closed) {

	}

	private static final class DialState {

		private Member member;

		private int attempts;

		private long nextAt;

		private long startedAt;

		private @Nullable Dial current;

		private boolean tlsFailureLogged;

		DialState(Member member, long now) {
			this.member = member;
			this.nextAt = now;
		}

	}

}

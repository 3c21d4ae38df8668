package io.socketbox.sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxMessaging;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * A numbered stream produced on the node, for the rolling-restart benchmark (scenario
 * 11) and {@code RollingRestartIT}: broadcasts {@code b <sender> <n>} at
 * {@code sample.stream.broadcast-rate} per second, and to each of the clients {@code c0}
 * ... {@code c<direct-targets - 1>} messages {@code d <sender> <n>} at
 * {@code sample.stream.direct-rate} per second, sent to the session the client
 * registered ({@link StreamRegistrations}). {@code n} counts 1, 2, 3, ... per stream;
 * message n is due at start + n / rate, and a late tick sends everything due since the
 * last one. The sender is {@code sample.stream.sender}, by default {@code node-<node id>}:
 * a restarted node is a new sender that counts from 1. With
 * {@code sample.stream.await-peers=N} the stream (and its clock) starts only once the
 * node is linked with N other nodes: SocketBox delivers a broadcast made before a peer
 * is linked to none of that peer's clients, and nothing tells them.
 * <p>
 * A direct message to a name that no node has a registration for yet waits (its stream
 * does not advance) until one appears; what is counted as produced is what was handed
 * to SocketBox. On stop (a SIGTERM's graceful shutdown), before SocketBox stops, the
 * stream stops and the node prints {@code produced {...}}, the same JSON as
 * {@code GET /stream/stop}.
 */
@Component
@ConditionalOnProperty(name = "sample.stream.enabled", havingValue = "true")
class StreamProducer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StreamProducer.class);

	private static final long TICK_MILLIS = 5;

	private static final long REFRESH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private final SocketBoxMessaging messaging;

	private final SocketBoxCluster cluster;

	private final StreamRegistrations registrations;

	private final JsonMapper jsonMapper;

	private final String sender;

	private final Stream broadcast;

	private final List<Stream> directs = new ArrayList<>();

	private final boolean produceAtStart;

	private final int awaitPeers;

	private volatile boolean peersLinked;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "sample-stream");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean refreshing = new AtomicBoolean();

	private final AtomicLong undelivered = new AtomicLong();

	/** A send that was not delivered is tried again after this, up to 50 times (5 s). */
	private static final Executor RETRY_DELAY = CompletableFuture.delayedExecutor(100,
			TimeUnit.MILLISECONDS);

	private static final int MAX_SEND_ATTEMPTS = 50;

	private volatile long lastRefresh = System.nanoTime() - REFRESH_INTERVAL_NANOS;

	private @Nullable ScheduledFuture<?> producing;

	private long startedAt;

	private volatile boolean started;

	private boolean linkedAtStart;

	private volatile boolean running;

	StreamProducer(SocketBoxMessaging messaging, SocketBoxCluster cluster, StreamRegistrations registrations,
			JsonMapper jsonMapper, @Value("${sample.stream.sender:}") String sender,
			@Value("${sample.stream.broadcast-rate:100}") double broadcastRate,
			@Value("${sample.stream.direct-rate:10}") double directRate,
			@Value("${sample.stream.direct-targets:10}") int directTargets,
			@Value("${sample.stream.produce-at-start:false}") boolean produceAtStart,
			@Value("${sample.stream.await-peers:0}") int awaitPeers) {
		this.messaging = messaging;
		this.cluster = cluster;
		this.awaitPeers = awaitPeers;
		this.registrations = registrations;
		this.jsonMapper = jsonMapper;
		this.sender = sender.isEmpty() ? "node-" + cluster.getNodeId() : sender;
		this.broadcast = new Stream("*", broadcastRate);
		for (int k = 0; k < directTargets; k++) {
			this.directs.add(new Stream("c" + k, directRate));
		}
		this.produceAtStart = produceAtStart;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		if (this.produceAtStart) {
			startProducing();
		}
	}

	/**
	 * Start producing, unless it already does.
	 */
	synchronized void startProducing() {
		if (this.producing != null) {
			return;
		}
		this.started = true;
		this.startedAt = System.nanoTime();
		this.producing = this.executor.scheduleAtFixedRate(this::safeTick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop producing and return what was produced, as JSON:
	 * {@code {"sender":..,"broadcast":N,"direct":{"c0":N,...},"undelivered":N}}.
	 * @return what was produced
	 */
	String stopProducing() {
		synchronized (this) {
			if (this.producing != null) {
				this.producing.cancel(false);
				this.producing = null;
			}
		}
		// The last tick may still be running: the counts are read after it
		try {
			this.executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			logger.warn("The stream's last tick did not end", ex);
		}
		Map<String, Long> direct = new LinkedHashMap<>();
		for (Stream stream : this.directs) {
			direct.put(stream.target, stream.sent);
		}
		return this.jsonMapper
			.writeValueAsString(new Produced(this.sender, this.broadcast.sent, direct, this.undelivered.get()));
	}

	/**
	 * Whether this node is linked with at least {@code sample.stream.await-peers} other
	 * nodes: a broadcast made before a peer is linked never reaches that peer's clients.
	 * @return whether the peers are linked
	 */
	boolean arePeersLinked() {
		if (!this.peersLinked) {
			this.peersLinked = this.cluster.getMembers()
				.stream()
				.filter((member) -> member.link() == ClusterMember.LinkState.UP)
				.count() >= this.awaitPeers;
		}
		return this.peersLinked;
	}

	private void safeTick() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			// An exception would cancel the schedule: the stream would end without a word
			logger.warn("The stream's tick failed", ex);
		}
	}

	private void tick() {
		if (!this.linkedAtStart) {
			// The stream's clock starts once the peers are linked
			if (!arePeersLinked()) {
				return;
			}
			this.linkedAtStart = true;
			this.startedAt = System.nanoTime();
		}
		double elapsed = (System.nanoTime() - this.startedAt) / 1e9;
		boolean missing = false;
		long due = (long) Math.floor(elapsed * this.broadcast.rate);
		while (this.broadcast.sent < due) {
			this.broadcast.sent++;
			this.messaging.broadcast("b " + this.sender + " " + this.broadcast.sent);
		}
		for (Stream stream : this.directs) {
			due = (long) Math.floor(elapsed * stream.rate);
			if (stream.sent >= due) {
				continue;
			}
			String session = this.registrations.sessionOf(stream.target);
			if (session == null) {
				missing = true;
				continue;
			}
			while (stream.sent < due) {
				stream.sent++;
				String text = "d " + this.sender + " " + stream.sent;
				// One after the other per client, each until SocketBox takes it: what an
				// application does with a send that was not delivered (a node that has just
				// started may not know yet where a session moved), in order
				stream.last = stream.last.thenCompose((ignored) -> sendUntilDelivered(stream.target, text, 1));
			}
		}
		if (missing) {
			refreshRegistrations();
		}
	}

	private CompletableFuture<Void> sendUntilDelivered(String target, String text, int attempt) {
		String session = this.registrations.sessionOf(target);
		CompletableFuture<SendResult> sent = (session != null) ? this.messaging.send(session, text)
				: CompletableFuture.completedFuture(SendResult.UNKNOWN_CONNECTION);
		return sent.thenCompose((result) -> {
			if (result.isDelivered()) {
				return CompletableFuture.completedFuture(null);
			}
			// A send that timed out may have been delivered: not sent again (no duplicate)
			boolean notTaken = result == SendResult.UNKNOWN_CONNECTION || result == SendResult.NODE_UNREACHABLE;
			if (!notTaken || attempt >= MAX_SEND_ATTEMPTS) {
				this.undelivered.incrementAndGet();
				return CompletableFuture.completedFuture(null);
			}
			return CompletableFuture.supplyAsync(() -> null, RETRY_DELAY)
				.thenCompose((ignored) -> sendUntilDelivered(target, text, attempt + 1));
		});
	}

	private void refreshRegistrations() {
		long now = System.nanoTime();
		if (now - this.lastRefresh < REFRESH_INTERVAL_NANOS || !this.refreshing.compareAndSet(false, true)) {
			return;
		}
		this.lastRefresh = now;
		CompletableFuture.runAsync(this.registrations::refresh).whenComplete((result, ex) -> {
			if (ex != null) {
				logger.debug("Asking the other nodes for the stream's registrations failed", ex);
			}
			this.refreshing.set(false);
		});
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		if (this.running) {
			this.running = false;
			if (this.started) {
				System.out.println("produced " + stopProducing());
				System.out.flush();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stops before SocketBox's lifecycle beans ({@code LifecyclePhases}), so that the
	 * stream ends while the node still sends, and starts after them.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * One numbered stream: broadcasts ({@code target} {@code *}) or messages to one client.
	 */
	private static final class Stream {

		private final String target;

		private final double rate;

		private long sent;

		/** The last send to the target, which the next waits for. */
		private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

		Stream(String target, double rate) {
			this.target = target;
			this.rate = rate;
		}

	}

	/**
	 * What one sender produced.
	 *
	 * @param sender the sender
	 * @param broadcast broadcasts sent
	 * @param direct messages sent to each client, by name
	 * @param undelivered messages to a client whose send did not end
	 * {@link io.socketbox.spring.SendResult#DELIVERED delivered}
	 */
	record Produced(String sender, long broadcast, Map<String, Long> direct, long undelivered) {

	}

}

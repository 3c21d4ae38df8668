package io.socketbox.spring.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.MessagesDroppedEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The {@link PeerChannel channels} of this node, one per peer, and their links.
 */
final class Peers implements PeerChannel.Listener {

	private static final Log logger = LogFactory.getLog(Peers.class);

	private final LocalNode localNode;

	private final EnvelopeCodec codec;

	private final PeerChannel.Settings settings;

	private final Executor executor;

	private final ScheduledExecutorService scheduler;

	private final ApplicationEventPublisher eventPublisher;

	private final Map<String, PeerChannel> channels = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong droppedMessages = new AtomicLong();

	private final Set<String> rejected = ConcurrentHashMap.newKeySet();

	private final Set<String> unsendableKinds = ConcurrentHashMap.newKeySet();

	Peers(LocalNode localNode, EnvelopeCodec codec, PeerChannel.Settings settings, Executor executor,
			ScheduledExecutorService scheduler, ApplicationEventPublisher eventPublisher) {
		this.localNode = localNode;
		this.codec = codec;
		this.settings = settings;
		this.executor = executor;
		this.scheduler = scheduler;
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Record a rejected peer.
	 * @param key what identifies the peer
	 * @return whether it is the first rejection of that peer
	 */
	boolean firstRejection(String key) {
		if (this.rejected.size() > 1000) {
			this.rejected.clear();
		}
		return this.rejected.add(key);
	}

	void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Take a link that has just been authenticated, replacing an older link to the same
	 * peer and resuming its channel.
	 */
	void linkUp(PeerLink link, long peerAcknowledged) {
		PeerChannel channel = this.channels.computeIfAbsent(link.peerId(),
				(id) -> new PeerChannel(id, link.peerName(), this.settings, this.executor, this));
		channel.linkUp(link, peerAcknowledged);
		this.listeners.forEach((listener) -> listener.linkUp(link));
	}

	/**
	 * Forget a link that has closed; a newer link to the same peer stays.
	 */
	void linkDown(PeerLink link) {
		PeerChannel channel = this.channels.get(link.peerId());
		if (channel != null && channel.linkDown(link)) {
			this.listeners.forEach((listener) -> listener.linkDown(link));
			// Fail sends at the timeout itself, not at the next heartbeat tick
			for (long delay : channel.nanosUntilOutageDeadlines(System.nanoTime())) {
				this.scheduler.schedule(() -> channel.tick(System.nanoTime()),
						Math.max(0, delay) + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * A link this node dialed closed before it was authenticated.
	 */
	void dialFailed(String peerId) {
		this.listeners.forEach((listener) -> listener.dialFailed(peerId));
	}

	@Nullable PeerChannel get(String peerId) {
		return this.channels.get(peerId);
	}

	Collection<PeerChannel> all() {
		return this.channels.values();
	}

	boolean isUp(String peerId) {
		PeerChannel channel = this.channels.get(peerId);
		return channel != null && channel.state() == PeerChannel.State.UP;
	}

	long upCount() {
		return this.channels.values().stream().filter((channel) -> channel.state() == PeerChannel.State.UP).count();
	}

	long lastReceivedFrom(String peerId) {
		PeerChannel channel = this.channels.get(peerId);
		return (channel != null) ? channel.lastReceivedSequence() : 0;
	}

	/**
	 * Forget a peer that left or expired, closing its link.
	 */
	void remove(String peerId) {
		PeerChannel channel = this.channels.remove(peerId);
		if (channel != null) {
			channel.discard();
			PeerLink link = channel.link();
			if (link != null) {
				link.close(CloseStatus.GOING_AWAY);
			}
		}
	}

	void tick() {
		long now = System.nanoTime();
		this.channels.values().forEach((channel) -> channel.tick(now));
	}

	void closeAll(CloseStatus status) {
		for (PeerChannel channel : this.channels.values()) {
			PeerLink link = channel.link();
			if (link != null) {
				link.close(status);
			}
		}
	}

	/**
	 * Whether every peer with a link has confirmed everything queued for it.
	 */
	boolean isFlushed() {
		return this.channels.values().stream().allMatch(PeerChannel::isConfirmed);
	}

	long getDroppedMessages() {
		return this.droppedMessages.get();
	}

	@Override
	public TextMessage heartbeat(long acknowledged) {
		return this.codec.write(Envelope.heartbeat(this.localNode.getId(), acknowledged));
	}

	@Override
	public void unreachable(PeerChannel channel, List<String> failedRequestIds) {
		logger.warn("Peer " + channel + " unreachable for " + this.settings.heartbeatTimeout()
				+ "; failing sends to its connections until it is back");
		this.listeners.forEach((listener) -> listener.unreachable(channel.peerId(), failedRequestIds));
	}

	@Override
	public void dropped(PeerChannel channel, long count, String reason, boolean firstInOutage) {
		this.droppedMessages.addAndGet(count);
		if (firstInOutage) {
			logger.warn("Dropping messages for peer " + channel + ": " + reason
					+ "; further drops in this outage are counted, not logged");
		}
		// Once per outage and per bulk drop, not once per message
		if (firstInOutage || count > 1) {
			this.eventPublisher.publishEvent(
					new MessagesDroppedEvent(this, channel.peerId(), channel.peerName(), count, reason));
		}
	}

	/**
	 * A frame could not be encoded and was dropped before it was queued for any peer.
	 */
	void unencodable(@Nullable String type, RuntimeException ex) {
		droppedUnsendable(ex.getClass().getName(), 1, "Dropped a " + type + " frame that cannot be encoded: " + ex,
				"further frames that fail the same way are counted, not logged");
	}

	int maxFrameSize() {
		return this.settings.maxFrameSize();
	}

	/**
	 * A frame was larger than peers accept and was dropped before it was queued.
	 */
	void oversized(@Nullable String type, int length) {
		droppedUnsendable("oversized", 1,
				"Dropped a " + type + " frame of " + length
						+ " characters, larger than socketbox.cluster.max-frame-size (" + this.settings.maxFrameSize()
						+ ")",
				"further frames that are too large are counted, not logged");
	}

	@Override
	public void unsendable(PeerChannel channel, List<PeerChannel.Outbound> frames) {
		String sequences = frames.stream().map((frame) -> Long.toString(frame.sequence())).toList().toString();
		droppedUnsendable("unsendable", frames.size(), "Dropped frame(s) " + sequences + " for peer " + channel
				+ ": not valid Unicode, they cannot be encoded as UTF-8",
				"further frames that fail the same way are counted, not logged");
	}

	/**
	 * Count frames that can never be sent; the first drop of each kind is logged at WARN,
	 * later ones at DEBUG.
	 */
	private void droppedUnsendable(String kind, long count, String description, String onlyOnce) {
		this.droppedMessages.addAndGet(count);
		if (this.unsendableKinds.add(kind)) {
			logger.warn(description + "; " + onlyOnce);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(description);
		}
	}

	@Override
	public void repeatedFailure(PeerChannel channel, long sequence, int failures) {
		logger.warn("Link to " + channel + " failed " + failures + " times in a row before frame " + sequence
				+ " was confirmed; the frame is kept and sent again on the next link");
	}

	@Override
	public void resumed(PeerChannel channel, long droppedInOutage) {
		logger.warn("Link to " + channel + " is back; " + droppedInOutage + " message(s) for it were dropped meanwhile");
	}

	/**
	 * Notified when links come up and go down, and when a peer becomes unreachable.
	 */
	interface Listener {

		default void linkUp(PeerLink link) {
		}

		default void linkDown(PeerLink link) {
		}

		default void unreachable(String peerId, List<String> failedRequestIds) {
		}

		default void dialFailed(String peerId) {
		}

	}

}

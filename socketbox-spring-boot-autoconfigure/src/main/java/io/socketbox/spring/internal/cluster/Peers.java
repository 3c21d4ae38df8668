package io.socketbox.spring.internal.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.RoundTripListener;
import io.socketbox.spring.internal.LocalNode;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The {@link PeerChannel channels} of this node, one per peer, and their links.
 */
final class Peers {

	private final LocalNode localNode;

	private final EnvelopeCodec codec;

	private final PeerChannel.Settings settings;

	private final Executor executor;

	private final ScheduledExecutorService scheduler;

	private final PeerDrops drops;

	private final Map<String, PeerChannel> channels = new ConcurrentHashMap<>();

	private final Set<String> rejected = ConcurrentHashMap.newKeySet();

	private volatile RoundTripListener roundTrips = RoundTripListener.NONE;

	Peers(LocalNode localNode, EnvelopeCodec codec, PeerChannel.Settings settings, Executor executor,
			ScheduledExecutorService scheduler, PeerDrops drops) {
		this.localNode = localNode;
		this.codec = codec;
		this.settings = settings;
		this.executor = executor;
		this.scheduler = scheduler;
		this.drops = drops;
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

	/**
	 * Take a link that has just been authenticated, replacing an older link to the same
	 * peer and resuming its channel.
	 */
	void linkUp(PeerLink link, long peerAcknowledged) {
		PeerChannel channel = this.channels.computeIfAbsent(link.peerId(),
				(id) -> new PeerChannel(id, link.peerName(), this.settings, this.executor, this.drops, this::heartbeat));
		channel.linkUp(link, peerAcknowledged);
	}

	/**
	 * Forget a link that has closed; a newer link to the same peer stays.
	 * @return whether it was the current link of its peer
	 */
	boolean linkDown(PeerLink link) {
		PeerChannel channel = this.channels.get(link.peerId());
		if (channel == null || !channel.linkDown(link)) {
			return false;
		}
		// Fail sends at the timeout itself, not at the next heartbeat tick
		for (long delay : channel.nanosUntilOutageDeadlines(System.nanoTime())) {
			this.scheduler.schedule(() -> channel.tick(System.nanoTime()),
					Math.max(0, delay) + TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.NANOSECONDS);
		}
		return true;
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

	/**
	 * Whether a peer has a channel that has not yet given up on it: its link is up, or
	 * down for less than the heartbeat timeout.
	 */
	boolean isReachable(String peerId) {
		PeerChannel channel = this.channels.get(peerId);
		return channel != null
				&& (channel.state() == PeerChannel.State.UP || channel.state() == PeerChannel.State.DOWN);
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

	/**
	 * Forget a peer that is leaving: confirm everything it sent, the leave notice
	 * included, and close its link once the confirmation is written. The leaving node
	 * waits for that confirmation before it closes the link itself.
	 */
	void leave(String peerId) {
		PeerChannel channel = this.channels.remove(peerId);
		if (channel != null) {
			channel.discard();
			channel.closeOnceConfirmed(CloseStatus.GOING_AWAY);
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

	private TextMessage heartbeat(long acknowledged, @Nullable Long ping, @Nullable Long pong) {
		return this.codec.write(Envelope.heartbeat(this.localNode.getId(), acknowledged, ping, pong));
	}

	/**
	 * Set what is told of each heartbeat round trip measured on a link.
	 */
	void setRoundTripListener(RoundTripListener listener) {
		this.roundTrips = listener;
	}

	/**
	 * A heartbeat from a peer arrived: answer its ping, and report the round trip that its
	 * pong completes.
	 */
	void heartbeat(PeerChannel channel, @Nullable Long ping, @Nullable Long pong) {
		long roundTrip = channel.heartbeatReceived(ping, pong, System.nanoTime());
		if (roundTrip >= 0) {
			this.roundTrips.heartbeat(channel.peerName(), roundTrip);
		}
	}

}

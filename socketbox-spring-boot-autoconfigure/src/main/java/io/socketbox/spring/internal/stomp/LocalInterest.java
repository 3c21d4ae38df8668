package io.socketbox.spring.internal.stomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.socketbox.spring.internal.cluster.StompPeerLinks;

/**
 * The destinations this node's STOMP clients subscribe to, counted, and replicated to
 * the peers: a destination (plain or a pattern) is announced when its first subscription
 * appears and withdrawn when its last one goes, in the order of those changes, under one
 * lock, so every peer sees them in order; a peer whose link comes up first gets a
 * snapshot, in parts that fit a frame. A destination too long for a frame is announced
 * as {@link #ANY}: the peers then forward this node every message, and its own broker
 * picks the subscribers.
 */
final class LocalInterest {

	/**
	 * Stands for every destination: no STOMP destination contains a NUL character, which
	 * ends a STOMP frame.
	 */
	static final String ANY = "\u0000";

	private final StompPeerLinks links;

	private final StompPeerCodec codec;

	private final int maxPartSize;

	private final Object lock = new Object();

	/** The subscriptions of each session: subscription id to announced destination. */
	private final Map<String, Map<String, String>> sessions = new HashMap<>();

	private final Map<String, Integer> counts = new HashMap<>();

	LocalInterest(StompPeerLinks links, StompPeerCodec codec, int maxPartSize) {
		this.links = links;
		this.codec = codec;
		this.maxPartSize = maxPartSize;
	}

	void subscribed(String sessionId, String subscriptionId, String destination) {
		String announced = (this.codec.encodedLength(destination) > this.maxPartSize / 2) ? ANY : destination;
		synchronized (this.lock) {
			String previous = this.sessions.computeIfAbsent(sessionId, (id) -> new HashMap<>())
				.put(subscriptionId, announced);
			acquire(announced);
			if (previous != null) {
				release(previous);
			}
		}
	}

	void unsubscribed(String sessionId, String subscriptionId) {
		synchronized (this.lock) {
			Map<String, String> subscriptions = this.sessions.get(sessionId);
			String announced = (subscriptions != null) ? subscriptions.remove(subscriptionId) : null;
			if (announced != null) {
				if (subscriptions.isEmpty()) {
					this.sessions.remove(sessionId);
				}
				release(announced);
			}
		}
	}

	void disconnected(String sessionId) {
		synchronized (this.lock) {
			Map<String, String> subscriptions = this.sessions.remove(sessionId);
			if (subscriptions != null) {
				subscriptions.values().forEach(this::release);
			}
		}
	}

	/**
	 * Send a peer whose link has just come up a snapshot of the announced destinations,
	 * after whatever its channel resends.
	 */
	void sendSnapshot(String peerId) {
		synchronized (this.lock) {
			List<String> part = new ArrayList<>();
			int size = 0;
			int index = 0;
			for (String destination : this.counts.keySet()) {
				int length = this.codec.encodedLength(destination) + 1;
				if (!part.isEmpty() && size + length > this.maxPartSize / 2) {
					if (!this.links.sendInterest(peerId,
							this.codec.write(new StompPeerCodec.InterestFrame(StompPeerCodec.InterestFrame.SNAPSHOT,
									part, index++, false)))) {
						return;
					}
					part = new ArrayList<>();
					size = 0;
				}
				part.add(destination);
				size += length;
			}
			this.links.sendInterest(peerId, this.codec
				.write(new StompPeerCodec.InterestFrame(StompPeerCodec.InterestFrame.SNAPSHOT, part, index, true)));
		}
	}

	/**
	 * Return how many subscriptions this node's clients hold.
	 */
	int subscriptionCount() {
		synchronized (this.lock) {
			return this.sessions.values().stream().mapToInt(Map::size).sum();
		}
	}

	/**
	 * Return how many distinct destinations this node announces.
	 */
	int size() {
		synchronized (this.lock) {
			return this.counts.size();
		}
	}

	private void acquire(String destination) {
		if (this.counts.merge(destination, 1, Integer::sum) == 1) {
			replicate(StompPeerCodec.InterestFrame.ADD, destination);
		}
	}

	private void release(String destination) {
		Integer count = this.counts.computeIfPresent(destination, (key, value) -> (value > 1) ? value - 1 : null);
		if (count == null) {
			replicate(StompPeerCodec.InterestFrame.REMOVE, destination);
		}
	}

	private void replicate(String kind, String destination) {
		this.links.replicateInterest(
				this.codec.write(new StompPeerCodec.InterestFrame(kind, List.of(destination), null, null)));
	}

}

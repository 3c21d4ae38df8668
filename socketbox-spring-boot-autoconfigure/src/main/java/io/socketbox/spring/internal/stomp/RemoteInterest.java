package io.socketbox.spring.internal.stomp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.util.PathMatcher;

/**
 * The destinations that each peer's STOMP clients subscribe to, as the peers announced
 * them, and which peers a destination interests, matched as Spring's
 * {@code DefaultSubscriptionRegistry} matches: a plain destination by equality, a
 * pattern by the broker's {@link PathMatcher}. Selectors are left to the peer's own
 * broker. Changes of one peer arrive in order on the thread that reads its link; lookups
 * run on the threads that publish.
 */
final class RemoteInterest {

	private final PathMatcher pathMatcher;

	private final Predicate<String> withinPrefixes;

	private final Map<String, PeerInterest> peers = new ConcurrentHashMap<>();

	RemoteInterest(PathMatcher pathMatcher, Predicate<String> withinPrefixes) {
		this.pathMatcher = pathMatcher;
		this.withinPrefixes = withinPrefixes;
	}

	/**
	 * Return the peers that subscribe to a destination.
	 */
	List<String> peersFor(String destination) {
		List<String> result = new ArrayList<>(2);
		for (Map.Entry<String, PeerInterest> entry : this.peers.entrySet()) {
			if (entry.getValue().current.matches(destination, this.pathMatcher)) {
				result.add(entry.getKey());
			}
		}
		return result;
	}

	Set<String> peerIds() {
		return this.peers.keySet();
	}

	/**
	 * Return the destinations a peer subscribes to, for tests and diagnostics.
	 */
	Set<String> destinationsOf(String peerId) {
		PeerInterest interest = this.peers.get(peerId);
		return (interest != null) ? interest.current.all() : Set.of();
	}

	void forget(String peerId) {
		this.peers.remove(peerId);
	}

	/**
	 * Forget the destinations of peers that this node no longer has a channel for (given
	 * up on, expired, left) and that sent nothing for a while, so that a peer linking
	 * again, whose snapshot may be arriving right now, keeps what it sends.
	 * @param isKnown whether this node still has a channel for a peer
	 * @param quietNanos how long a peer must have sent nothing to be forgotten
	 */
	void sweep(Predicate<String> isKnown, long quietNanos) {
		long now = System.nanoTime();
		this.peers.entrySet()
			.removeIf((entry) -> !isKnown.test(entry.getKey())
					&& now - entry.getValue().lastChange > quietNanos);
	}

	/**
	 * Apply a subscription frame of a peer.
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String apply(String peerId, StompPeerCodec.InterestFrame frame) {
		if (frame.k() == null || frame.d() == null) {
			return "Subscription frame without a kind or destinations";
		}
		for (String destination : frame.d()) {
			if (destination == null
					|| (!LocalInterest.ANY.equals(destination) && !this.withinPrefixes.test(destination))) {
				return "Subscription outside the broker's destination prefixes: " + abbreviate(destination);
			}
		}
		PeerInterest interest = this.peers.computeIfAbsent(peerId, (id) -> new PeerInterest());
		interest.lastChange = System.nanoTime();
		switch (frame.k()) {
			case StompPeerCodec.InterestFrame.ADD -> frame.d().forEach((d) -> interest.current.add(d, this.pathMatcher));
			case StompPeerCodec.InterestFrame.REMOVE -> frame.d().forEach(interest.current::remove);
			case StompPeerCodec.InterestFrame.SNAPSHOT -> {
				int part = (frame.part() != null) ? frame.part() : -1;
				if (part == 0) {
					interest.pending = new Entries();
					interest.nextPart = 0;
				}
				Entries pending = interest.pending;
				if (pending == null || part != interest.nextPart) {
					return "Subscription snapshot part " + part + " out of order";
				}
				frame.d().forEach((d) -> pending.add(d, this.pathMatcher));
				interest.nextPart++;
				if (Boolean.TRUE.equals(frame.last())) {
					interest.current = pending;
					interest.pending = null;
				}
			}
			default -> {
				return "Unknown subscription frame kind " + abbreviate(frame.k());
			}
		}
		return null;
	}

	static String abbreviate(@Nullable String text) {
		if (text == null) {
			return "null";
		}
		return (text.length() > 100) ? text.substring(0, 100) + "..." : text;
	}

	private static final class PeerInterest {

		volatile Entries current = new Entries();

		volatile long lastChange = System.nanoTime();

		@Nullable Entries pending;

		int nextPart;

	}

	/**
	 * The destinations of one peer: plain ones in a set, patterns in a list, and whether
	 * it wants everything.
	 */
	private static final class Entries {

		private final Set<String> plain = ConcurrentHashMap.newKeySet();

		private final List<String> patterns = new CopyOnWriteArrayList<>();

		private volatile boolean any;

		void add(String destination, PathMatcher pathMatcher) {
			if (LocalInterest.ANY.equals(destination)) {
				this.any = true;
			}
			else if (pathMatcher.isPattern(destination)) {
				if (!this.patterns.contains(destination)) {
					this.patterns.add(destination);
				}
			}
			else {
				this.plain.add(destination);
			}
		}

		void remove(String destination) {
			if (LocalInterest.ANY.equals(destination)) {
				this.any = false;
			}
			else if (!this.plain.remove(destination)) {
				this.patterns.remove(destination);
			}
		}

		boolean matches(String destination, PathMatcher pathMatcher) {
			if (this.any || this.plain.contains(destination)) {
				return true;
			}
			for (String pattern : this.patterns) {
				if (pathMatcher.match(pattern, destination)) {
					return true;
				}
			}
			return false;
		}

		Set<String> all() {
			Set<String> all = new TreeSet<>(this.plain);
			all.addAll(this.patterns);
			if (this.any) {
				all.add(LocalInterest.ANY);
			}
			return all;
		}

	}

}

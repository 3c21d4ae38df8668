package io.socketbox.spring.internal.stomp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The STOMP sessions of each peer's users, as the peers replicated them, indexed by user
 * name. Changes of one peer arrive in order on the thread that reads its link; queries
 * run on any thread.
 */
final class RemoteUsers {

	private final Map<String, PeerUsers> peers = new ConcurrentHashMap<>();

	/**
	 * Return the sessions of a user on the peers that are listed.
	 */
	List<StompPeerCodec.SessionEntry> sessionsOf(String userName, Predicate<String> listed) {
		List<StompPeerCodec.SessionEntry> result = new ArrayList<>(2);
		for (Map.Entry<String, PeerUsers> peer : this.peers.entrySet()) {
			if (listed.test(peer.getKey())) {
				peer.getValue().current.sessionsOf(userName, result);
			}
		}
		return result;
	}

	/**
	 * Return the names of the users of the peers that are listed.
	 */
	Set<String> userNames(Predicate<String> listed) {
		Set<String> names = new HashSet<>();
		for (Map.Entry<String, PeerUsers> peer : this.peers.entrySet()) {
			if (listed.test(peer.getKey())) {
				names.addAll(peer.getValue().current.byUser.keySet());
			}
		}
		return names;
	}

	Set<String> sessionsOf(String peerId) {
		PeerUsers users = this.peers.get(peerId);
		return (users != null) ? Set.copyOf(users.current.byId.keySet()) : Set.of();
	}

	int peerCount() {
		return this.peers.size();
	}

	void forget(String peerId) {
		this.peers.remove(peerId);
	}

	/**
	 * Forget the sessions of peers that this node no longer has a channel for and that
	 * sent nothing for a while, as {@link RemoteInterest#sweep} does.
	 */
	void sweep(Predicate<String> isKnown, long quietNanos) {
		long now = System.nanoTime();
		this.peers.entrySet()
			.removeIf((entry) -> !isKnown.test(entry.getKey()) && now - entry.getValue().lastChange > quietNanos);
	}

	/**
	 * Apply a users frame of a peer.
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String apply(String peerId, StompPeerCodec.UsersFrame frame) {
		if (frame.k() == null || frame.s() == null) {
			return "Users frame without a kind or sessions";
		}
		boolean removal = StompPeerCodec.UsersFrame.REMOVE.equals(frame.k());
		for (StompPeerCodec.SessionEntry entry : frame.s()) {
			String violation = validate(entry, removal);
			if (violation != null) {
				return violation;
			}
		}
		PeerUsers users = this.peers.computeIfAbsent(peerId, (id) -> new PeerUsers());
		users.lastChange = System.nanoTime();
		switch (frame.k()) {
			case StompPeerCodec.UsersFrame.SET -> frame.s().forEach(users.current::put);
			case StompPeerCodec.UsersFrame.REMOVE -> frame.s().forEach((entry) -> users.current.remove(entry.i()));
			case StompPeerCodec.UsersFrame.SNAPSHOT -> {
				int part = (frame.part() != null) ? frame.part() : -1;
				if (part == 0) {
					users.pending = new Sessions();
					users.nextPart = 0;
				}
				Sessions pending = users.pending;
				if (pending == null || part != users.nextPart) {
					return "Users snapshot part " + part + " out of order";
				}
				frame.s().forEach(pending::put);
				users.nextPart++;
				if (Boolean.TRUE.equals(frame.last())) {
					users.current = pending;
					users.pending = null;
				}
			}
			default -> {
				return "Unknown users frame kind " + RemoteInterest.abbreviate(frame.k());
			}
		}
		return null;
	}

	private static @Nullable String validate(StompPeerCodec.@Nullable SessionEntry entry, boolean removal) {
		if (entry == null || !isValidId(entry.i())) {
			return "Users frame with a session without a valid id";
		}
		if (removal) {
			return null;
		}
		if (entry.u() == null || entry.u().isEmpty()) {
			return "Users frame with a session without a user";
		}
		if (entry.b() != null) {
			for (StompPeerCodec.SubscriptionEntry subscription : entry.b()) {
				if (subscription == null || subscription.i() == null || subscription.d() == null) {
					return "Users frame with a subscription without an id or a destination";
				}
			}
		}
		return null;
	}

	/**
	 * Whether a session id can take part in a destination: Spring's resolver appends it
	 * to the destination the message is for.
	 */
	private static boolean isValidId(@Nullable String id) {
		if (id == null || id.isEmpty()) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c < 0x21 || c == 0x7f || c == '/' || c == '*' || c == '?' || c == '{' || c == '}') {
				return false;
			}
		}
		return true;
	}

	private static final class PeerUsers {

		volatile Sessions current = new Sessions();

		volatile long lastChange = System.nanoTime();

		@Nullable Sessions pending;

		int nextPart;

	}

	/**
	 * The sessions of one peer, by id and by user name.
	 */
	private static final class Sessions {

		final Map<String, StompPeerCodec.SessionEntry> byId = new ConcurrentHashMap<>();

		final Map<String, Set<String>> byUser = new ConcurrentHashMap<>();

		void put(StompPeerCodec.SessionEntry entry) {
			String id = entry.i();
			String user = entry.u();
			StompPeerCodec.SessionEntry previous = this.byId.put(id, entry);
			if (previous != null && !previous.u().equals(user)) {
				removeFromUser(previous.u(), id);
			}
			this.byUser.computeIfAbsent(user, (name) -> ConcurrentHashMap.newKeySet()).add(id);
		}

		void remove(String id) {
			StompPeerCodec.SessionEntry previous = this.byId.remove(id);
			if (previous != null) {
				removeFromUser(previous.u(), id);
			}
		}

		private void removeFromUser(String user, String id) {
			this.byUser.computeIfPresent(user, (name, ids) -> {
				ids.remove(id);
				return ids.isEmpty() ? null : ids;
			});
		}

		void sessionsOf(String userName, List<StompPeerCodec.SessionEntry> result) {
			Set<String> ids = this.byUser.get(userName);
			if (ids != null) {
				for (String id : ids) {
					StompPeerCodec.SessionEntry entry = this.byId.get(id);
					if (entry != null && userName.equals(entry.u())) {
						result.add(entry);
					}
				}
			}
		}

	}

}

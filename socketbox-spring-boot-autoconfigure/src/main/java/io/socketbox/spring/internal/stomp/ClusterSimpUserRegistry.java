package io.socketbox.spring.internal.stomp;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.cluster.StompPeerLinks;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.user.DestinationUserNameProvider;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpSubscription;
import org.springframework.messaging.simp.user.SimpSubscriptionMatcher;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.web.socket.messaging.AbstractSubProtocolEvent;
import org.springframework.web.socket.messaging.SessionConnectedEvent;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * A {@link SimpUserRegistry} for the whole cluster: this node's users, as Spring's own
 * registry keeps them from the session events, and the users of the peers, as they
 * replicate them over the peer links ({@code stomp-user} frames: each change of a
 * session, and a snapshot when a link comes up). Spring's
 * {@code DefaultUserDestinationResolver} reads it, so that a message to
 * {@code /user/alice/queue/x} is turned into the session-specific destinations of every
 * session of alice on every node, which the clustered broker then forwards to the nodes
 * that subscribe to them. A peer's users vanish when it leaves, and are no longer listed
 * once this node has no channel for it (given up on, detected down).
 * <p>
 * Decorates the registry Spring creates, as Spring's {@code MultiServerUserRegistry}
 * does, including its role of listener of the session events.
 */
public final class ClusterSimpUserRegistry implements SimpUserRegistry, SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(ClusterSimpUserRegistry.class);

	private final SimpUserRegistry local;

	private final SmartApplicationListener localListener;

	private final StompPeerCodec codec = new StompPeerCodec();

	private final Object lock = new Object();

	/** This node's sessions with a user: session id to the user's name. */
	private final Map<String, String> localSessions = new HashMap<>();

	private final RemoteUsers remote = new RemoteUsers();

	private final AtomicLong truncated = new AtomicLong();

	private volatile @Nullable StompPeerLinks links;

	/**
	 * Create a registry that decorates Spring's registry of this node's users.
	 * @param local the local registry, also the listener of the session events
	 */
	public ClusterSimpUserRegistry(SimpUserRegistry local) {
		if (!(local instanceof SmartApplicationListener listener)) {
			throw new IllegalArgumentException("The local registry must listen to the session events: " + local);
		}
		this.local = local;
		this.localListener = listener;
	}

	/**
	 * Return the registry of this node's users only.
	 * @return the local registry
	 */
	public SimpUserRegistry getLocalRegistry() {
		return this.local;
	}

	/**
	 * Replicate this node's users over the peer links from now on; before, the registry
	 * answers for this node only.
	 * @param links the STOMP links of this node
	 */
	void bind(StompPeerLinks links) {
		this.links = links;
	}

	/**
	 * Return how many sessions were replicated without some of their subscriptions, their
	 * entry being too large for a peer frame.
	 * @return the count since start
	 */
	public long getTruncatedSessions() {
		return this.truncated.get();
	}

	// Session events

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return this.localListener.supportsEventType(eventType);
	}

	@Override
	public boolean supportsSourceType(@Nullable Class<?> sourceType) {
		return this.localListener.supportsSourceType(sourceType);
	}

	@Override
	public int getOrder() {
		return this.localListener.getOrder();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (!(event instanceof AbstractSubProtocolEvent subProtocolEvent)) {
			this.localListener.onApplicationEvent(event);
			return;
		}
		String sessionId = SimpMessageHeaderAccessor.getSessionId(subProtocolEvent.getMessage().getHeaders());
		// Under one lock, so that the peers see the changes of a session in the order
		// they were applied
		synchronized (this.lock) {
			this.localListener.onApplicationEvent(event);
			if (sessionId == null) {
				return;
			}
			if (event instanceof SessionDisconnectEvent) {
				if (this.localSessions.remove(sessionId) != null) {
					replicate(StompPeerCodec.UsersFrame.REMOVE, new StompPeerCodec.SessionEntry(sessionId, null, null));
				}
				return;
			}
			String name = this.localSessions.get(sessionId);
			if (event instanceof SessionConnectedEvent && name == null) {
				Principal user = subProtocolEvent.getUser();
				if (user == null) {
					return;
				}
				name = (user instanceof DestinationUserNameProvider provider) ? provider.getDestinationUserName()
						: user.getName();
				this.localSessions.put(sessionId, name);
			}
			if (name != null) {
				StompPeerCodec.SessionEntry entry = localEntry(name, sessionId);
				if (entry != null) {
					replicate(StompPeerCodec.UsersFrame.SET, entry);
				}
			}
		}
	}

	private StompPeerCodec.@Nullable SessionEntry localEntry(String name, String sessionId) {
		SimpUser user = this.local.getUser(name);
		SimpSession session = (user != null) ? user.getSession(sessionId) : null;
		if (session == null) {
			return null;
		}
		List<StompPeerCodec.SubscriptionEntry> subscriptions = new ArrayList<>();
		for (SimpSubscription subscription : session.getSubscriptions()) {
			subscriptions.add(new StompPeerCodec.SubscriptionEntry(subscription.getId(), subscription.getDestination()));
		}
		return fit(new StompPeerCodec.SessionEntry(sessionId, name, subscriptions));
	}

	/**
	 * Return an entry that fits a peer frame: without the subscriptions that do not fit,
	 * or {@code null} if even its id and user's name do not.
	 */
	private StompPeerCodec.@Nullable SessionEntry fit(StompPeerCodec.SessionEntry entry) {
		StompPeerLinks links = this.links;
		if (links == null) {
			return entry;
		}
		int limit = links.maxInterestPayloadSize() / 2;
		if (this.codec.encodedLength(entry) <= limit) {
			return entry;
		}
		this.truncated.incrementAndGet();
		StompPeerCodec.SessionEntry bare = new StompPeerCodec.SessionEntry(entry.i(), entry.u(), List.of());
		int size = this.codec.encodedLength(bare);
		if (size > limit) {
			logger.warn("Not replicating a STOMP session whose id and user name take " + size + " characters");
			return null;
		}
		List<StompPeerCodec.SubscriptionEntry> kept = new ArrayList<>();
		for (StompPeerCodec.SubscriptionEntry subscription : Objects.requireNonNull(entry.b())) {
			int length = this.codec.encodedLength(new StompPeerCodec.SessionEntry(null, null, List.of(subscription)));
			if (size + length > limit) {
				break;
			}
			kept.add(subscription);
			size += length;
		}
		return new StompPeerCodec.SessionEntry(entry.i(), entry.u(), kept);
	}

	private void replicate(String kind, StompPeerCodec.SessionEntry entry) {
		StompPeerLinks links = this.links;
		if (links != null) {
			links.replicateUsers(this.codec.write(new StompPeerCodec.UsersFrame(kind, List.of(entry), null, null)));
		}
	}

	/**
	 * Send a peer whose link has just come up a snapshot of this node's sessions, in
	 * parts that fit a frame, after whatever its channel resends.
	 * @param peerId the peer
	 */
	void sendSnapshot(String peerId) {
		StompPeerLinks links = this.links;
		if (links == null) {
			return;
		}
		int limit = links.maxInterestPayloadSize() / 2;
		synchronized (this.lock) {
			List<StompPeerCodec.SessionEntry> part = new ArrayList<>();
			int size = 0;
			int index = 0;
			for (Map.Entry<String, String> session : this.localSessions.entrySet()) {
				StompPeerCodec.SessionEntry entry = localEntry(session.getValue(), session.getKey());
				if (entry == null) {
					continue;
				}
				int length = this.codec.encodedLength(entry) + 1;
				if (!part.isEmpty() && size + length > limit) {
					if (!links.sendUsers(peerId, this.codec
						.write(new StompPeerCodec.UsersFrame(StompPeerCodec.UsersFrame.SNAPSHOT, part, index++, false)))) {
						return;
					}
					part = new ArrayList<>();
					size = 0;
				}
				part.add(entry);
				size += length;
			}
			links.sendUsers(peerId, this.codec
				.write(new StompPeerCodec.UsersFrame(StompPeerCodec.UsersFrame.SNAPSHOT, part, index, true)));
		}
	}

	/**
	 * Apply a users frame of a peer.
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String receive(String peerId, @Nullable String payload) {
		if (payload == null) {
			return "Users frame without a payload";
		}
		StompPeerCodec.UsersFrame frame;
		try {
			frame = this.codec.readUsers(payload);
		}
		catch (IllegalArgumentException ex) {
			return "Unreadable users frame: " + RemoteInterest.abbreviate(ex.getMessage());
		}
		return this.remote.apply(peerId, frame);
	}

	void forget(String peerId) {
		this.remote.forget(peerId);
	}

	void sweep(java.util.function.Predicate<String> isKnown, long quietNanos) {
		this.remote.sweep(isKnown, quietNanos);
	}

	/**
	 * Return the sessions a peer's clients hold, as this node knows them, for tests and
	 * diagnostics.
	 * @param peerId the peer
	 * @return the session ids
	 */
	public Set<String> getPeerSessions(String peerId) {
		return this.remote.sessionsOf(peerId);
	}

	// Queries

	private boolean isListed(String peerId) {
		StompPeerLinks links = this.links;
		return links != null && links.isKnown(peerId);
	}

	@Override
	public @Nullable SimpUser getUser(String userName) {
		SimpUser localUser = this.local.getUser(userName);
		List<StompPeerCodec.SessionEntry> remoteSessions = this.remote.sessionsOf(userName, this::isListed);
		if (remoteSessions.isEmpty()) {
			return localUser;
		}
		return new ClusterUser(userName, localUser, remoteSessions);
	}

	@Override
	public Set<SimpUser> getUsers() {
		Set<String> names = new HashSet<>();
		this.local.getUsers().forEach((user) -> names.add(user.getName()));
		names.addAll(this.remote.userNames(this::isListed));
		Set<SimpUser> users = new HashSet<>();
		for (String name : names) {
			SimpUser user = getUser(name);
			if (user != null && user.hasSessions()) {
				users.add(user);
			}
		}
		return users;
	}

	@Override
	public int getUserCount() {
		Set<String> names = new HashSet<>();
		this.local.getUsers().forEach((user) -> names.add(user.getName()));
		names.addAll(this.remote.userNames(this::isListed));
		return names.size();
	}

	@Override
	public Set<SimpSubscription> findSubscriptions(SimpSubscriptionMatcher matcher) {
		Set<SimpSubscription> result = new HashSet<>();
		for (SimpUser user : getUsers()) {
			for (SimpSession session : user.getSessions()) {
				for (SimpSubscription subscription : session.getSubscriptions()) {
					if (matcher.match(subscription)) {
						result.add(subscription);
					}
				}
			}
		}
		return result;
	}

	@Override
	public String toString() {
		return "ClusterSimpUserRegistry[local=" + this.local + ", peers=" + this.remote.peerCount() + "]";
	}

	/**
	 * A user with sessions on this node, on peers, or both.
	 */
	private static final class ClusterUser implements SimpUser {

		private final String name;

		private final @Nullable Principal principal;

		private final Map<String, SimpSession> sessions = new LinkedHashMap<>();

		ClusterUser(String name, @Nullable SimpUser localUser, List<StompPeerCodec.SessionEntry> remoteSessions) {
			this.name = name;
			this.principal = (localUser != null) ? localUser.getPrincipal() : null;
			if (localUser != null) {
				localUser.getSessions().forEach((session) -> this.sessions.put(session.getId(), session));
			}
			for (StompPeerCodec.SessionEntry entry : remoteSessions) {
				this.sessions.putIfAbsent(Objects.requireNonNull(entry.i()), new RemoteSession(this, entry));
			}
		}

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public @Nullable Principal getPrincipal() {
			return this.principal;
		}

		@Override
		public boolean hasSessions() {
			return !this.sessions.isEmpty();
		}

		@Override
		public @Nullable SimpSession getSession(String sessionId) {
			return this.sessions.get(sessionId);
		}

		@Override
		public Set<SimpSession> getSessions() {
			return new HashSet<>(this.sessions.values());
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other || (other instanceof SimpUser user && this.name.equals(user.getName()));
		}

		@Override
		public int hashCode() {
			return this.name.hashCode();
		}

		@Override
		public String toString() {
			return "name=" + this.name + ", sessions=" + this.sessions.keySet();
		}

	}

	/**
	 * A session of a user on a peer.
	 */
	private static final class RemoteSession implements SimpSession {

		private final String id;

		private final SimpUser user;

		private final Set<SimpSubscription> subscriptions;

		RemoteSession(SimpUser user, StompPeerCodec.SessionEntry entry) {
			this.id = Objects.requireNonNull(entry.i());
			this.user = user;
			Set<SimpSubscription> subscriptions = new HashSet<>();
			if (entry.b() != null) {
				for (StompPeerCodec.SubscriptionEntry subscription : entry.b()) {
					subscriptions.add(new RemoteSubscription(this, Objects.requireNonNull(subscription.i()),
							Objects.requireNonNull(subscription.d())));
				}
			}
			this.subscriptions = Collections.unmodifiableSet(subscriptions);
		}

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public SimpUser getUser() {
			return this.user;
		}

		@Override
		public Set<SimpSubscription> getSubscriptions() {
			return this.subscriptions;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other || (other instanceof SimpSession session && this.id.equals(session.getId()));
		}

		@Override
		public int hashCode() {
			return this.id.hashCode();
		}

		@Override
		public String toString() {
			return "id=" + this.id + ", subscriptions=" + this.subscriptions;
		}

	}

	/**
	 * A subscription of a session on a peer.
	 */
	private record RemoteSubscription(SimpSession session, String id, String destination) implements SimpSubscription {

		@Override
		public String getId() {
			return this.id;
		}

		@Override
		public SimpSession getSession() {
			return this.session;
		}

		@Override
		public String getDestination() {
			return this.destination;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other || (other instanceof SimpSubscription subscription && this.id.equals(subscription.getId())
					&& this.session.getId().equals(subscription.getSession().getId()));
		}

		@Override
		public int hashCode() {
			return this.id.hashCode() * 31 + this.session.getId().hashCode();
		}

		@Override
		public String toString() {
			return "destination=" + this.destination;
		}

	}

}

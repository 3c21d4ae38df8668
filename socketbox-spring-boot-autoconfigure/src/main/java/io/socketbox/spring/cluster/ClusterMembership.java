package io.socketbox.spring.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.cache.CacheContentException;
import io.socketbox.spring.cache.CacheProvider;

import org.springframework.context.SmartLifecycle;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.client.WebSocketClient;

/**
 * Keeps this node registered in the shared cache, discovers the other members there
 * and links to them. Each node refreshes its own registration with a heartbeat counter;
 * a member whose counter has not moved for the member timeout, measured on this node's
 * own clock, has expired, so clocks of different nodes are never compared. Of two
 * members, the one with the higher id dials the other, so each pair has one link; ids
 * begin with the start time, so a node that joins dials every member it finds on its
 * first refresh instead of waiting for theirs.
 * <p>
 * Routing follows the links, not the cache: a member with a live link stays a member
 * while the cache is unreachable or flushed. A cache key that holds something else is
 * repaired or skipped by the {@link MemberRegistry}, and never taken for an outage.
 */
public final class ClusterMembership implements SocketBoxCluster, SmartLifecycle, Peers.Listener {

	private static final Log logger = LogFactory.getLog(ClusterMembership.class);

	private final LocalNode localNode;

	private final MemberRegistry memberRegistry;

	private final Peers peers;

	private final ClusterMessaging messaging;

	private final WebSocketClient client;

	private final PeerProtocolHandler.PeerContext peerContext;

	private final ScheduledExecutorService scheduler;

	private final ScheduledExecutorService registry;

	private final Settings settings;

	private final JsonMapper mapper = JsonMapper.shared();

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	private final Map<String, Long> departed = new ConcurrentHashMap<>();

	private long heartbeat;

	private boolean cacheFailing;

	private volatile @Nullable ScheduledFuture<?> refreshTask;

	private volatile @Nullable ScheduledFuture<?> heartbeatTask;

	private boolean autoStartup = true;

	ClusterMembership(LocalNode localNode, CacheProvider cache, Peers peers, ClusterMessaging messaging,
			WebSocketClient client, PeerProtocolHandler.PeerContext peerContext, ScheduledExecutorService scheduler,
			ScheduledExecutorService registry, Settings settings) {
		this.localNode = localNode;
		this.memberRegistry = new MemberRegistry(cache, this.mapper, settings.prefix(), localNode.getId());
		this.peers = peers;
		this.messaging = messaging;
		this.client = client;
		this.peerContext = peerContext;
		this.scheduler = scheduler;
		this.registry = registry;
		this.settings = settings;
		peers.addListener(this);
	}

	@Override
	public String getNodeId() {
		return this.localNode.getId();
	}

	@Override
	public String getNodeName() {
		return this.localNode.getName();
	}

	@Override
	public boolean isEnabled() {
		return true;
	}

	@Override
	public List<ClusterMember> getMembers() {
		List<ClusterMember> result = new ArrayList<>();
		for (Member member : this.members.values()) {
			result.add(new ClusterMember(member.id, member.name, linkState(member)));
		}
		result.sort(Comparator.comparing(ClusterMember::name).thenComparing(ClusterMember::id));
		return result;
	}

	private ClusterMember.LinkState linkState(Member member) {
		if (this.peers.isUp(member.id)) {
			return ClusterMember.LinkState.UP;
		}
		return isDialing(member) ? ClusterMember.LinkState.CONNECTING : ClusterMember.LinkState.DOWN;
	}

	/**
	 * Set whether this node joins the cluster when the application context starts.
	 * @param autoStartup {@code false} to join only when {@link #start()} is called
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	@Override
	public void start() {
		logger.info("Node " + this.localNode.getName() + " (" + this.localNode.getId() + ") joining cluster"
				+ (this.settings.prefix().isEmpty() ? "" : " with cache prefix '" + this.settings.prefix() + "'"));
		// Cache calls may block for as long as the cache client's timeout: they get their
		// own thread so that heartbeats and reconnects never wait for them
		this.refreshTask = this.registry.scheduleWithFixedDelay(this::refresh, 0,
				this.settings.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
		this.heartbeatTask = this.scheduler.scheduleWithFixedDelay(this::heartbeat,
				this.settings.heartbeatInterval().toMillis(), this.settings.heartbeatInterval().toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		cancel(this.refreshTask);
		cancel(this.heartbeatTask);
		this.refreshTask = null;
		this.heartbeatTask = null;
		// Deregister on the registry thread so that it cannot race a refresh under way
		try {
			this.registry.submit(this::deregister).get(this.settings.refreshInterval().toMillis() * 2,
					TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			logger.warn("Could not deregister from the cluster cache: " + ex.getMessage());
		}
		// Peers get everything queued for them, then the notice, before the links close
		this.messaging.leave();
		long deadline = System.nanoTime() + this.settings.drainTimeout().toNanos();
		while (!this.peers.isFlushed() && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		this.peers.closeAll(CloseStatus.GOING_AWAY);
		this.members.clear();
	}

	private static void cancel(@Nullable ScheduledFuture<?> task) {
		if (task != null) {
			task.cancel(false);
		}
	}

	private void heartbeat() {
		this.peers.tick();
		dialMissingLinks();
	}

	@Override
	public boolean isRunning() {
		return this.refreshTask != null;
	}

	private void deregister() {
		this.memberRegistry.deregister();
	}

	/**
	 * Refresh this node's registration, read the others and link to new ones.
	 */
	void refresh() {
		try {
			register();
			discover();
			if (this.cacheFailing) {
				this.cacheFailing = false;
				logger.info("Cluster cache is reachable again; registration restored");
			}
		}
		catch (CacheContentException ex) {
			// Reached, but a key could not be repaired: not an outage
			this.memberRegistry.unrepaired(ex);
			expire(System.nanoTime());
		}
		catch (RuntimeException ex) {
			cacheFailed(ex);
			// Members with live links stay; the others expire as usual
			expire(System.nanoTime());
		}
		gossipLiveMembers();
		dialMissingLinks();
	}

	private void cacheFailed(RuntimeException ex) {
		if (!this.cacheFailing) {
			this.cacheFailing = true;
			String problem = CacheFailures.isUnreachable(ex) ? "is unreachable" : "failed";
			logger.warn("Cluster cache " + problem + "; keeping the " + this.peers.upCount()
					+ " live peer link(s) and retrying every " + this.settings.refreshInterval() + ": " + ex);
		}
	}

	private void register() {
		String id = this.localNode.getId();
		Registration registration = new Registration(id, this.localNode.getName(), ++this.heartbeat);
		this.memberRegistry.register(registration, this.settings.memberTimeout().multipliedBy(2));
	}

	private void discover() {
		long now = System.nanoTime();
		this.departed.values().removeIf((at) -> now - at > this.settings.memberTimeout().toNanos() * 2);
		for (String id : this.memberRegistry.memberIds()) {
			if (id.equals(this.localNode.getId())) {
				continue;
			}
			if (this.departed.containsKey(id)) {
				forget(id, true);
				continue;
			}
			Registration registration = this.memberRegistry.read(id);
			if (registration != null) {
				observe(id, registration.name(), registration.heartbeat(), now);
			}
			else if (!this.members.containsKey(id)) {
				// A stale entry whose registration expired in the cache, or cannot be read
				this.memberRegistry.remove(id);
			}
		}
		expire(now);
	}

	/**
	 * Note a sign of life of a member: a registration whose heartbeat moved, or a peer
	 * that has a live link to it.
	 */
	private void observe(String id, String name, long heartbeat, long now) {
		Member member = this.members.get(id);
		if (member == null) {
			replaceEarlierIncarnations(id, name);
			member = this.members.computeIfAbsent(id, (key) -> new Member(key, name, now));
		}
		member.observe(name, heartbeat, now);
	}

	/**
	 * A node that restarts keeps its name and gets a new id: forget the old id at once
	 * rather than route to it until it expires.
	 */
	private void replaceEarlierIncarnations(String id, String name) {
		for (Member other : List.copyOf(this.members.values())) {
			if (!other.id.equals(id) && other.name.equals(name) && !this.peers.isUp(other.id)) {
				logger.info("Member " + name + " restarted: " + other.id + " replaced by " + id);
				forget(other.id, true);
			}
		}
	}

	private void expire(long now) {
		for (Member member : List.copyOf(this.members.values())) {
			if (!this.peers.isUp(member.id) && now - member.confirmedAt > this.settings.memberTimeout().toNanos()) {
				logger.info("Member " + member.name + " (" + member.id + ") expired");
				forget(member.id, true);
			}
		}
	}

	/**
	 * Tell every peer which members this node has a live link to, so that a member
	 * whose registration a racy cache lost is still found.
	 */
	private void gossipLiveMembers() {
		List<Registration> alive = new ArrayList<>();
		alive.add(new Registration(this.localNode.getId(), this.localNode.getName(), this.heartbeat));
		for (Member member : this.members.values()) {
			if (this.peers.isUp(member.id)) {
				alive.add(new Registration(member.id, member.name, -1));
			}
		}
		if (alive.size() > 1) {
			this.messaging.gossip(this.mapper.writeValueAsString(alive));
		}
	}

	/**
	 * Handle the members a peer has live links to.
	 */
	void onGossip(String peerId, String payload) {
		Registration[] alive;
		try {
			alive = this.mapper.readValue(payload, Registration[].class);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring malformed member list from " + peerId + ": " + ex.getOriginalMessage());
			return;
		}
		if (alive == null) {
			logger.warn("Ignoring member list from " + peerId + ": not an array");
			return;
		}
		long now = System.nanoTime();
		for (Registration registration : alive) {
			if (registration == null) {
				continue;
			}
			String id = registration.id();
			if (id != null && registration.name() != null && !id.equals(this.localNode.getId())
					&& !this.departed.containsKey(id)) {
				observe(id, registration.name(), Member.GOSSIP, now);
			}
		}
	}

	private void forget(String id, boolean clearRegistration) {
		this.members.remove(id);
		this.peers.remove(id);
		try {
			if (clearRegistration) {
				this.memberRegistry.clear(id);
			}
			this.memberRegistry.remove(id);
		}
		catch (RuntimeException ex) {
			// The cache is down; the entry expires there on its own
		}
	}

	private synchronized void dialMissingLinks() {
		for (Member member : this.members.values()) {
			if (dials(member) && !this.peers.isUp(member.id)
					&& !isDialing(member) && System.nanoTime() - member.nextDialAt >= 0) {
				dial(member);
			}
		}
	}

	private boolean dials(Member member) {
		return this.localNode.getId().compareTo(member.id) > 0;
	}

	private boolean isDialing(Member member) {
		long since = member.dialStartedAt;
		return since != 0 && System.nanoTime() - since < this.settings.dialTimeout().toNanos();
	}

	private void dial(Member member) {
		long now = System.nanoTime();
		member.dialStartedAt = now;
		member.nextDialAt = now + backoff(++member.dialAttempts);
		URI uri;
		try {
			uri = URI.create(member.name);
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Member " + member.id + " registered an invalid name '" + member.name + "'");
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Dialing " + member.name + " (" + member.id + ")");
		}
		PeerProtocolHandler handler = new PeerProtocolHandler(this.peerContext,
				new PeerProtocolHandler.ExpectedPeer(member.id, member.name));
		this.client.execute(handler, new WebSocketHttpHeaders(), uri).whenComplete((session, ex) -> {
			if (ex != null) {
				if (logger.isDebugEnabled()) {
					logger.debug("Could not reach " + member.name + ": " + ex.getMessage());
				}
				member.dialStartedAt = 0;
				scheduleDial(member.nextDialAt - System.nanoTime());
			}
		});
	}

	/**
	 * Exponential backoff with jitter, so that peers of a returning node do not all dial
	 * at once.
	 */
	private long backoff(int attempt) {
		long initial = this.settings.reconnectInitialDelay().toNanos();
		long max = this.settings.reconnectMaxDelay().toNanos();
		long delay = (attempt >= 30) ? max : Math.min(max, initial << Math.max(0, attempt - 1));
		return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
	}

	private void scheduleDial(long delayNanos) {
		if (isRunning()) {
			this.scheduler.schedule(this::dialMissingLinks, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Handle the leave notice of a peer that is stopping.
	 */
	void onLeave(String peerId) {
		this.departed.put(peerId, System.nanoTime());
		Member member = this.members.remove(peerId);
		this.peers.leave(peerId);
		logger.info("Member " + ((member != null) ? member.name : peerId) + " left the cluster");
	}

	@Override
	public void linkUp(PeerLink link) {
		this.departed.remove(link.peerId());
		if (!this.members.containsKey(link.peerId())) {
			replaceEarlierIncarnations(link.peerId(), link.peerName());
		}
		Member member = this.members.computeIfAbsent(link.peerId(),
				(id) -> new Member(id, link.peerName(), System.nanoTime()));
		member.dialAttempts = 0;
		member.nextDialAt = System.nanoTime();
		member.dialStartedAt = 0;
		logger.info("Linked with " + link.peerName() + " (" + link.peerId() + ")");
	}

	@Override
	public void dialFailed(String peerId) {
		Member member = this.members.get(peerId);
		if (member != null) {
			member.dialStartedAt = 0;
			scheduleDial(member.nextDialAt - System.nanoTime());
		}
	}

	@Override
	public void linkDown(PeerLink link) {
		logger.info("Link with " + link.peerName() + " (" + link.peerId() + ") closed");
		Member member = this.members.get(link.peerId());
		if (member != null) {
			member.dialStartedAt = 0;
			if (dials(member)) {
				scheduleDial(backoff(1));
			}
		}
	}

	/**
	 * A member's registration in the cache.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param heartbeat a counter that the node increments on every refresh
	 */
	record Registration(String id, String name, long heartbeat) {

	}

	/**
	 * Timing and naming of the membership.
	 *
	 * @param prefix the prefix of every cache key
	 * @param refreshInterval how often the registration is refreshed
	 * @param memberTimeout how long a registration may stay unchanged before it expires
	 * @param dialTimeout how long a dial may take before it is tried again
	 * @param heartbeatInterval how often links are checked and heartbeats sent
	 * @param reconnectInitialDelay the delay before the first attempt to reconnect
	 * @param reconnectMaxDelay the longest delay between attempts to reconnect
	 * @param drainTimeout how long a stopping node waits for its peers to take what is
	 * queued for them
	 */
	record Settings(String prefix, Duration refreshInterval, Duration memberTimeout, Duration dialTimeout,
			Duration heartbeatInterval, Duration reconnectInitialDelay, Duration reconnectMaxDelay,
			Duration drainTimeout) {

	}

	private static final class Member {

		/**
		 * The heartbeat of a sign of life that came from a peer, not the cache.
		 */
		static final long GOSSIP = -1;

		private final String id;

		private volatile String name;

		private long heartbeat = -1;

		private volatile long confirmedAt;

		private volatile long dialStartedAt;

		private volatile long nextDialAt = System.nanoTime();

		private volatile int dialAttempts;

		Member(String id, String name, long now) {
			this.id = id;
			this.name = name;
			this.confirmedAt = now;
		}

		void observe(String name, long heartbeat, long now) {
			if (heartbeat == GOSSIP || heartbeat != this.heartbeat) {
				this.confirmedAt = now;
			}
			if (heartbeat != GOSSIP) {
				this.heartbeat = heartbeat;
				this.name = name;
			}
		}

	}

}

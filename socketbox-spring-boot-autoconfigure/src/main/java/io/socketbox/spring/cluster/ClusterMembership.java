package io.socketbox.spring.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;
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
 * members, the one with the lower id dials the other, so each pair has one link.
 * <p>
 * Routing follows the links, not the cache: a member with a live link stays a member
 * while the cache is unreachable or flushed.
 */
public final class ClusterMembership implements SocketBoxCluster, SmartLifecycle, PeerLinks.Listener {

	private static final Log logger = LogFactory.getLog(ClusterMembership.class);

	private final LocalNode localNode;

	private final CacheProvider cache;

	private final PeerLinks links;

	private final WebSocketClient client;

	private final PeerProtocolHandler.PeerContext peerContext;

	private final ScheduledExecutorService scheduler;

	private final Settings settings;

	private final JsonMapper mapper = JsonMapper.shared();

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	private final Map<String, Long> departed = new ConcurrentHashMap<>();

	private long heartbeat;

	private boolean cacheFailing;

	private volatile @Nullable ScheduledFuture<?> refreshTask;

	private boolean autoStartup = true;

	ClusterMembership(LocalNode localNode, CacheProvider cache, PeerLinks links, WebSocketClient client,
			PeerProtocolHandler.PeerContext peerContext, ScheduledExecutorService scheduler, Settings settings) {
		this.localNode = localNode;
		this.cache = cache;
		this.links = links;
		this.client = client;
		this.peerContext = peerContext;
		this.scheduler = scheduler;
		this.settings = settings;
		links.addListener(this);
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
		if (this.links.get(member.id) != null) {
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
		this.refreshTask = this.scheduler.scheduleWithFixedDelay(this::refresh, 0,
				this.settings.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledFuture<?> task = this.refreshTask;
		this.refreshTask = null;
		if (task != null) {
			task.cancel(false);
		}
		// Deregister on the scheduler so that it cannot race a refresh still under way
		try {
			this.scheduler.submit(this::deregister).get(this.settings.refreshInterval().toMillis() * 2,
					TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			logger.warn("Could not deregister from the cluster cache: " + ex.getMessage());
		}
		this.links.broadcast(this.peerContext.codec().write(Envelope.leave(this.localNode.getId())));
		this.links.closeAll(CloseStatus.GOING_AWAY);
		this.members.clear();
	}

	@Override
	public boolean isRunning() {
		return this.refreshTask != null;
	}

	private void deregister() {
		this.cache.removeMember(membersKey(), this.localNode.getId());
		this.cache.clear(memberKey(this.localNode.getId()));
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
		catch (RuntimeException ex) {
			if (!this.cacheFailing) {
				this.cacheFailing = true;
				logger.warn("Cluster cache is unreachable; keeping the " + this.links.all().size()
						+ " live peer link(s) and retrying every " + this.settings.refreshInterval() + ": " + ex);
			}
		}
		dialMissingLinks();
	}

	private void register() {
		String id = this.localNode.getId();
		Registration registration = new Registration(id, this.localNode.getName(), ++this.heartbeat);
		this.cache.set(memberKey(id), this.mapper.writeValueAsString(registration),
				this.settings.memberTimeout().multipliedBy(2));
		// Re-adding on every refresh heals a registration lost to a racy provider
		this.cache.addMember(membersKey(), id);
	}

	private void discover() {
		long now = System.nanoTime();
		this.departed.values().removeIf((at) -> now - at > this.settings.memberTimeout().toNanos() * 2);
		Set<String> ids = this.cache.members(membersKey());
		for (String id : ids) {
			if (id.equals(this.localNode.getId())) {
				continue;
			}
			if (this.departed.containsKey(id)) {
				forget(id, true);
				continue;
			}
			Registration registration = readRegistration(id);
			if (registration == null) {
				// Gone from the cache; a member with a live link re-registers on its own
				if (this.links.get(id) == null) {
					forget(id, false);
				}
				continue;
			}
			Member member = this.members.computeIfAbsent(id, (key) -> new Member(key, registration.name(), now));
			member.observe(registration, now);
			if (now - member.changedAt > this.settings.memberTimeout().toNanos() && this.links.get(id) == null) {
				logger.info("Member " + member.name + " (" + id + ") expired");
				forget(id, true);
			}
		}
		this.members.keySet().removeIf((id) -> !ids.contains(id) && this.links.get(id) == null);
	}

	private @Nullable Registration readRegistration(String id) {
		String value = this.cache.get(memberKey(id));
		if (value == null) {
			return null;
		}
		try {
			Registration registration = this.mapper.readValue(value, Registration.class);
			return (id.equals(registration.id()) && registration.name() != null) ? registration : null;
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring malformed registration of member " + id + ": " + ex.getOriginalMessage());
			return null;
		}
	}

	private void forget(String id, boolean clearRegistration) {
		this.members.remove(id);
		if (clearRegistration) {
			this.cache.clear(memberKey(id));
		}
		this.cache.removeMember(membersKey(), id);
	}

	private void dialMissingLinks() {
		for (Member member : this.members.values()) {
			if (this.localNode.getId().compareTo(member.id) < 0 && this.links.get(member.id) == null
					&& !isDialing(member)) {
				dial(member);
			}
		}
	}

	private boolean isDialing(Member member) {
		long since = member.dialStartedAt;
		return since != 0 && System.nanoTime() - since < this.settings.dialTimeout().toNanos();
	}

	private void dial(Member member) {
		member.dialStartedAt = System.nanoTime();
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
			if (ex != null && logger.isDebugEnabled()) {
				logger.debug("Could not reach " + member.name + ": " + ex.getMessage());
			}
		});
	}

	/**
	 * Handle the leave notice of a peer that is stopping.
	 */
	void onLeave(String peerId) {
		this.departed.put(peerId, System.nanoTime());
		Member member = this.members.remove(peerId);
		logger.info("Member " + ((member != null) ? member.name : peerId) + " left the cluster");
	}

	@Override
	public void linkUp(PeerLink link) {
		this.departed.remove(link.peerId());
		this.members.computeIfAbsent(link.peerId(), (id) -> new Member(id, link.peerName(), System.nanoTime()));
		logger.info("Linked with " + link.peerName() + " (" + link.peerId() + ")");
	}

	@Override
	public void linkDown(PeerLink link) {
		logger.info("Link with " + link.peerName() + " (" + link.peerId() + ") closed");
		Member member = this.members.get(link.peerId());
		if (member != null) {
			member.dialStartedAt = 0;
		}
	}

	private String membersKey() {
		return this.settings.prefix() + "socketbox:members";
	}

	private String memberKey(String id) {
		return this.settings.prefix() + "socketbox:member:" + id;
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
	 */
	record Settings(String prefix, Duration refreshInterval, Duration memberTimeout, Duration dialTimeout) {

	}

	private static final class Member {

		private final String id;

		private volatile String name;

		private long heartbeat = -1;

		private volatile long changedAt;

		private volatile long dialStartedAt;

		Member(String id, String name, long now) {
			this.id = id;
			this.name = name;
			this.changedAt = now;
		}

		void observe(Registration registration, long now) {
			if (registration.heartbeat() != this.heartbeat) {
				this.heartbeat = registration.heartbeat();
				this.changedAt = now;
			}
			this.name = registration.name();
		}

	}

}

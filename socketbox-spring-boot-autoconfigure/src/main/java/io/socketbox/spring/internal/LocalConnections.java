package io.socketbox.spring.internal;

import java.security.Principal;
import java.util.Collection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;
import io.socketbox.spring.internal.session.BroadcastHistory;
import io.socketbox.spring.internal.session.SessionFrames;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * The open connections of this node, by id. Sending to a connection puts the message
 * in that connection's bounded outbound queue and returns: a client that stops reading
 * is cut off at its limit, and counted, while no other connection, peer link or caller
 * waits for it.
 * <p>
 * It stops last of SocketBox's lifecycle beans ({@link LifecyclePhases#CONNECTIONS}),
 * once no browser connects and the cluster has delivered what peers sent: then it
 * closes every connection with {@link CloseStatus#GOING_AWAY}, each after what is
 * queued for it.
 * <p>
 * Internal to SocketBox, public for the auto-configuration and the {@code cluster}
 * package; applications send through {@link SocketBoxMessaging} and read figures from
 * {@link SocketBoxMessaging#getStatistics()}.
 */
public final class LocalConnections implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(LocalConnections.class);

	private final Map<String, Recipient> connections = new ConcurrentHashMap<>();

	private final Collection<SocketBoxConnection> view = Collections.unmodifiableCollection(this.connections.values());

	private final String nodeId;

	private final SessionSettings sessionSettings;

	/**
	 * Held while a broadcast is recorded and queued for every connection, and while a
	 * session joins: each broadcast reaches a session in its replay or live, once.
	 */
	private final Object broadcastLock = new Object();

	private final BroadcastHistory history;

	private long position;

	private volatile SessionRouter sessionRouter = SessionRouter.NONE;

	/** Sessions handed to other nodes: their heir, until the resume window has passed. */
	private final Map<String, Route> routes = new ConcurrentHashMap<>();

	private volatile @Nullable RemoteSessions remoteSessions;

	private final ExecutorService executor = Executors
		.newCachedThreadPool(daemon(new CustomizableThreadFactory("socketbox-connections-")));

	/** Start the first write to an idle client, so that no sender writes itself. */
	private final ExecutorService writers = Executors.newFixedThreadPool(
			Math.max(2, Runtime.getRuntime().availableProcessors()),
			daemon(new CustomizableThreadFactory("socketbox-writer-")));

	private @Nullable ScheduledExecutorService sendTimer;

	private volatile boolean checkingReadLiveness;

	private final AtomicLong slowClientsClosed = new AtomicLong();

	private final AtomicLong failedClientsClosed = new AtomicLong();

	private final AtomicLong tooBigClientsClosed = new AtomicLong();

	private final AtomicLong protocolErrorClientsClosed = new AtomicLong();

	private volatile boolean running;

	private final ConnectionOutbox.Listener outboxListener = new ConnectionOutbox.Listener() {

		@Override
		public void cut(LocalConnection connection, ConnectionOutbox.CutReason reason,
				@Nullable Throwable failure, boolean abort) {
			cutOff(connection, reason, failure);
			if (abort) {
				abort(connection);
			}
		}

		@Override
		public void abort(LocalConnection connection) {
			// Off the sender's thread: a close waits briefly for a write in progress
			LocalConnections.this.executor.execute(() -> Sessions.closeNow(connection.session(),
					CloseStatus.SESSION_NOT_RELIABLE));
		}

		@Override
		public void close(LocalConnection connection, CloseStatus status) {
			closeSession(connection, status);
		}

	};

	/**
	 * Create the connections of a node with the default session settings, whose
	 * broadcasts come from origin {@code local}.
	 */
	public LocalConnections() {
		this("local", SessionSettings.DEFAULTS);
	}

	/**
	 * Create the connections of a node.
	 * @param nodeId the id of the node, the origin of its broadcasts
	 * @param sessionSettings the settings of sessions
	 */
	public LocalConnections(String nodeId, SessionSettings sessionSettings) {
		this.nodeId = nodeId;
		this.sessionSettings = sessionSettings;
		this.history = new BroadcastHistory(sessionSettings.historySize(), sessionSettings.historyBytes(),
				sessionSettings.resumeWindow().toNanos(), System::nanoTime);
	}

	private static CustomizableThreadFactory daemon(CustomizableThreadFactory threadFactory) {
		threadFactory.setDaemon(true);
		return threadFactory;
	}

	void add(Recipient connection) {
		this.connections.put(connection.getId(), connection);
	}

	boolean remove(Recipient connection) {
		return this.connections.remove(connection.getId(), connection);
	}

	/**
	 * Return the session kept under an id.
	 * @param id the session id
	 * @return the session, or {@code null} if there is none (or a plain connection)
	 */
	@Nullable SessionConnection session(String id) {
		return (this.connections.get(id) instanceof SessionConnection session) ? session : null;
	}

	/**
	 * Return whether a session is this node's: started here, or handed to it.
	 * @param id the session id
	 * @return whether this node numbers and keeps its messages
	 */
	public boolean hasSession(String id) {
		return session(id) != null;
	}

	/**
	 * Return the client of another node's session connected here.
	 * @param id the session id
	 * @return the proxy, or {@code null}
	 */
	@Nullable ProxySession proxy(String id) {
		return (this.connections.get(id) instanceof ProxySession proxy) ? proxy : null;
	}

	/**
	 * Return the nodes whose leave notice a session handed over from them waits for.
	 * @return the node ids
	 */
	public Set<String> fencingNodes() {
		Set<String> nodes = new HashSet<>();
		for (SessionConnection session : sessions()) {
			String fencedBy = session.fencedBy();
			if (fencedBy != null) {
				nodes.add(fencedBy);
			}
		}
		return nodes;
	}

	/**
	 * Return every session of this node.
	 * @return the sessions
	 */
	List<SessionConnection> sessions() {
		return recipients(SessionConnection.class);
	}

	/**
	 * Return the connections of this node of one kind, as they are now.
	 * @param <T> the kind
	 * @param type the kind
	 * @return a copy
	 */
	<T extends Recipient> List<T> recipients(Class<T> type) {
		List<T> found = new ArrayList<>();
		for (Recipient connection : this.connections.values()) {
			if (type.isInstance(connection)) {
				found.add(type.cast(connection));
			}
		}
		return found;
	}

	/**
	 * Record that a session was handed to another node, for the resume window.
	 * @param sessionId the session
	 * @param heir the node that took it over
	 */
	public void route(String sessionId, String heir) {
		long now = System.nanoTime();
		this.routes.values().removeIf((route) -> route.expired(now));
		this.routes.put(sessionId, new Route(heir, now + this.sessionSettings.resumeWindow().toNanos()));
	}

	/**
	 * Return the node a session was handed to, if it was.
	 * @param sessionId the session
	 * @return its heir, or {@code null}
	 */
	public @Nullable String routeOf(String sessionId) {
		Route route = this.routes.get(sessionId);
		return (route != null && !route.expired(System.nanoTime())) ? route.heir() : null;
	}

	void unroute(String sessionId) {
		this.routes.remove(sessionId);
	}

	private record Route(String heir, long expiresAt) {

		boolean expired(long now) {
			return now - this.expiresAt > 0;
		}

	}

	/**
	 * Set how this node reaches the sessions of other nodes; the cluster sets it once.
	 * @param router the router
	 */
	public void setSessionRouter(SessionRouter router) {
		this.sessionRouter = router;
	}

	SessionRouter sessionRouter() {
		return this.sessionRouter;
	}

	/**
	 * Return what peers ask of this node's sessions, once the browser endpoint exists.
	 * @return the remote side of sessions
	 */
	public RemoteSessions remoteSessions() {
		RemoteSessions remote = this.remoteSessions;
		return (remote != null) ? remote : RemoteSessions.NONE;
	}

	void setRemoteSessions(RemoteSessions remoteSessions) {
		this.remoteSessions = remoteSessions;
	}

	/**
	 * Run something that reads the history of broadcasts while no broadcast is queued.
	 * @param <T> what it returns
	 * @param action the action
	 * @return what the action returned
	 */
	<T> T withHistory(Function<BroadcastHistory, T> action) {
		synchronized (this.broadcastLock) {
			return action.apply(this.history);
		}
	}

	/**
	 * Pass the broadcasts this node keeps of some origins on, while no broadcast is
	 * queued: what the consumer queues for a peer goes before this node's later
	 * broadcasts.
	 * @param origins which origins
	 * @param consumer takes each origin and its broadcasts, in ascending order of position
	 */
	public void keptBroadcasts(Predicate<String> origins, BiConsumer<String, List<BroadcastHistory.Kept>> consumer) {
		withHistory((history) -> {
			for (String origin : history.origins()) {
				if (origins.test(origin)) {
					consumer.accept(origin, history.kept(origin));
				}
			}
			return null;
		});
	}

	/**
	 * Take broadcasts of another origin that a peer kept from before this node was
	 * linked to it: a client that resumes here gets them replayed.
	 * @param origin the origin
	 * @param kept the broadcasts, in ascending order of position
	 * @return how many were new here
	 */
	public int backfill(String origin, List<BroadcastHistory.Kept> kept) {
		if (origin.equals(this.nodeId)) {
			return 0;
		}
		return withHistory((history) -> history.backfill(origin, kept));
	}

	SessionSettings sessionSettings() {
		return this.sessionSettings;
	}

	String nodeId() {
		return this.nodeId;
	}

	/**
	 * Runs the blocking sends of containers without an asynchronous one, and the closing
	 * of connections that were cut off.
	 */
	Executor executor() {
		return this.executor;
	}

	/**
	 * Starts the first write to an idle connection, so that no thread that queues a
	 * message writes to a client's socket itself; the writes after it start on the
	 * thread that completed the previous one.
	 */
	Executor writers() {
		return this.writers;
	}

	/**
	 * Return the scheduler that ends writes that exceed the send time limit on
	 * containers that do not bound them, started on first use.
	 */
	synchronized ScheduledExecutorService sendTimer() {
		if (this.sendTimer == null) {
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
					daemon(new CustomizableThreadFactory("socketbox-send-timer-")));
			// A write that completes cancels its task: do not keep it until it was due
			timer.setRemoveOnCancelPolicy(true);
			this.sendTimer = timer;
		}
		return this.sendTimer;
	}

	/**
	 * Look for clients that have not answered a ping in time, on the send timer, from
	 * now on; calls after the first do nothing.
	 * @param periodNanos how often to look
	 */
	void checkReadLiveness(long periodNanos) {
		if (this.checkingReadLiveness) {
			return;
		}
		synchronized (this) {
			if (!this.checkingReadLiveness) {
				this.checkingReadLiveness = true;
				sendTimer().scheduleWithFixedDelay(this::checkReadLiveness, periodNanos, periodNanos,
						TimeUnit.NANOSECONDS);
			}
		}
	}

	private void checkReadLiveness() {
		try {
			for (Recipient connection : this.connections.values()) {
				connection.checkReadLiveness();
			}
		}
		catch (RuntimeException ex) {
			// A failing round must not end the periodic task
			logger.warn("Could not check the read liveness of connections", ex);
		}
	}

	ConnectionOutbox.Listener outboxListener() {
		return this.outboxListener;
	}

	/**
	 * Return the open connections.
	 * @return an unmodifiable live view
	 */
	public Collection<SocketBoxConnection> getAll() {
		return this.view;
	}

	/**
	 * Return the number of open connections.
	 * @return the count
	 */
	public int size() {
		return this.connections.size();
	}

	/**
	 * Return how many clients were cut off because they did not read fast enough: a
	 * write took longer than the send time limit, or more than the send buffer size
	 * limit waited for them.
	 * @return the number since start
	 */
	public long getSlowClientsClosed() {
		return this.slowClientsClosed.get();
	}

	/**
	 * Return how many clients were cut off because a write to them failed.
	 * @return the number since start
	 */
	long getFailedClientsClosed() {
		return this.failedClientsClosed.get();
	}

	/**
	 * Return the figures of this node, with the given number of messages dropped
	 * elsewhere.
	 * @param droppedMessages the messages for other nodes dropped since start
	 * @return the figures as they are now
	 */
	public SocketBoxStatistics statistics(long droppedMessages) {
		return new SocketBoxStatistics(size(), droppedMessages, getSlowClientsClosed(), getFailedClientsClosed(),
				this.tooBigClientsClosed.get(), this.protocolErrorClientsClosed.get());
	}

	/**
	 * Count a connection that closed with a status that tells of a message too big or a
	 * protocol error, whichever side closed it.
	 * @param status the close status
	 */
	void closedWith(CloseStatus status) {
		switch (status.getCode()) {
			case 1009 -> this.tooBigClientsClosed.incrementAndGet();
			case 1002, 1003, 1007 -> this.protocolErrorClientsClosed.incrementAndGet();
			default -> {
			}
		}
	}

	/**
	 * Queue a message for one connection of this node, after {@code onConnect} if that
	 * has not returned yet.
	 * @param id the connection id
	 * @param message the message
	 * @return whether the connection exists and took the message
	 */
	public boolean send(String id, OutboundText message) {
		return send(id, message, null);
	}

	/**
	 * Queue a message from another node for one connection of this node, as
	 * {@link #send(String, OutboundText)} does.
	 * @param id the connection id
	 * @param message the message
	 * @param fromNode the node that sent it, or {@code null} for this node
	 * @return whether the connection exists and took the message
	 */
	public boolean send(String id, OutboundText message, @Nullable String fromNode) {
		Recipient connection = this.connections.get(id);
		if (connection instanceof SessionConnection session) {
			return session.deliverFrom(message, fromNode);
		}
		// A client of another node's session: its home numbers the messages, and answers for them
		return connection != null && !(connection instanceof ProxySession) && connection.deliver(message);
	}

	/**
	 * Return whether a connection is the one this node holds under its id and takes
	 * messages for: a session of this node, or a connection without one; not a client
	 * here of a session another node numbers.
	 * @param connection the connection
	 * @return whether messages to it are queued here
	 */
	public boolean holds(SocketBoxConnection connection) {
		return this.connections.get(connection.getId()) == connection && !(connection instanceof ProxySession);
	}

	/**
	 * Return the home of a session whose client is connected to this node while another
	 * node numbers and keeps its messages: sends to it go there, and its answer says
	 * whether they were taken.
	 * @param id the session id
	 * @return the session's home, or {@code null} if no such client is connected here
	 */
	public @Nullable String homeOfClient(String id) {
		ProxySession proxy = proxy(id);
		return (proxy != null) ? proxy.home() : null;
	}

	/**
	 * Queue a message for a connection of this node at once, registered or not; what
	 * {@code onConnect} sends goes this way.
	 * @param connection the connection
	 * @param message the message
	 * @return whether the connection took it
	 */
	public boolean send(SocketBoxConnection connection, OutboundText message) {
		return connection instanceof Recipient recipient && recipient.send(message);
	}

	/**
	 * Queue a broadcast of this node for every connection of this node.
	 * @param message the message
	 * @return the number of connections that took it
	 */
	public int broadcast(OutboundText message) {
		return broadcast(message, (position) -> {
		});
	}

	/**
	 * Number a broadcast of this node, hand it to the peers, and queue it for every
	 * connection of this node: peers get this node's broadcasts in the order of their
	 * positions.
	 * @param message the message
	 * @param peers queues the broadcast with its position for the peers, before it is
	 * queued here
	 * @return the number of connections that took it
	 */
	public int broadcast(OutboundText message, LongConsumer peers) {
		synchronized (this.broadcastLock) {
			long position = ++this.position;
			peers.accept(position);
			return deliverLocked(this.nodeId, position, message);
		}
	}

	/**
	 * Queue a broadcast of another node for every connection of this node, in the order
	 * that node sent them.
	 * @param origin the node it was sent on
	 * @param position its number among that node's broadcasts
	 * @param message the message
	 * @return the number of connections that took it
	 */
	public int broadcast(String origin, long position, OutboundText message) {
		synchronized (this.broadcastLock) {
			return deliverLocked(origin, position, message);
		}
	}

	private int deliverLocked(String origin, long position, OutboundText message) {
		Recipient.Broadcast broadcast = new Recipient.Broadcast(message,
				SessionFrames.broadcast(origin, position, message));
		this.history.record(origin, position, broadcast.framed());
		int count = 0;
		for (Recipient connection : this.connections.values()) {
			if (connection.deliver(broadcast)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Queue a message for every connection of this node whose principal has the given
	 * name.
	 * @param user the principal name
	 * @param message the message
	 * @return the number of connections that took it
	 */
	public int sendToUser(String user, OutboundText message) {
		int count = 0;
		for (Recipient connection : this.connections.values()) {
			if (connection instanceof ProxySession) {
				// Its home takes the user's messages for it
				continue;
			}
			Principal principal = connection.getPrincipal();
			if (principal != null && user.equals(principal.getName()) && connection.deliver(message)) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Mark a connection open after {@code onConnect}, sending what was held for it.
	 * @param connection the connection
	 */
	void open(Recipient connection) {
		connection.open();
	}

	/**
	 * Close every connection, each after what is queued for it.
	 * @param status the close status
	 */
	void closeAll(CloseStatus status) {
		for (Recipient connection : this.connections.values()) {
			connection.close(status);
		}
	}

	private void cutOff(LocalConnection connection, ConnectionOutbox.CutReason reason,
			@Nullable Throwable failure) {
		remove(connection);
		if (reason == ConnectionOutbox.CutReason.SEND_FAILED) {
			this.failedClientsClosed.incrementAndGet();
			if (logger.isDebugEnabled()) {
				logger.debug("Closing " + connection + ": " + reason.description()
						+ ((failure != null) ? " (" + failure + ")" : ""));
			}
		}
		else {
			this.slowClientsClosed.incrementAndGet();
			logger.info("Closing " + connection + ": " + reason.description());
		}
	}

	private void closeSession(LocalConnection connection, CloseStatus status) {
		try {
			connection.session().close(status);
		}
		catch (Exception ex) {
			// The transport is already gone: nothing left to close
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		closeAll(CloseStatus.GOING_AWAY);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.CONNECTIONS;
	}

	@Override
	public void destroy() {
		this.executor.shutdown();
		this.writers.shutdown();
		synchronized (this) {
			if (this.sendTimer != null) {
				this.sendTimer.shutdownNow();
			}
		}
	}

}

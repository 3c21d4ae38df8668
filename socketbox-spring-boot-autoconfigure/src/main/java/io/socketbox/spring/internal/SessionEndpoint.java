package io.socketbox.spring.internal;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.session.BroadcastHistory;
import io.socketbox.spring.internal.session.DirectBuffer;
import io.socketbox.spring.internal.session.SessionFrames;
import io.socketbox.spring.internal.session.SessionFrames.ClientFrame;
import io.socketbox.spring.internal.session.SessionTokens;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * The browser endpoint's part for clients that offered the {@code socketbox.v1}
 * subprotocol: their first frame starts or resumes a {@link SessionConnection}, their
 * later frames are unwrapped for the application, and a session whose connection closes
 * waits for its client within the resume window. The frames are described in
 * {@code docs/sessions.md}.
 */
final class SessionEndpoint implements RemoteSessions {

	private static final Log logger = LogFactory.getLog(SessionEndpoint.class);

	/** The session was resumed on a newer connection: the client does not reconnect. */
	static final CloseStatus SUPERSEDED = new CloseStatus(4001, "Resumed on a newer connection");

	private static final String SESSION_ATTRIBUTE = SessionConnection.class.getName();

	private static final String PENDING_ATTRIBUTE = SessionEndpoint.class.getName() + ".pending";

	private static final String PROXY_ATTRIBUTE = ProxySession.class.getName();

	/** How long the acknowledgement of a client's numbered message may wait for more. */
	private static final long ACK_DELAY_MILLIS = 100;

	private final LocalConnections connections;

	private final SessionTokens tokens;

	private final SessionSettings settings;

	private final Callbacks callbacks;

	private volatile boolean refreshingTokens;

	/** Sessions this node is handing over, until their move is announced, by id. */
	private final Map<String, CompletableFuture<?>> handingOver = new ConcurrentHashMap<>();

	/** How many resumes wait until this node, just started, knows where the sessions are. */
	private final AtomicInteger waitingForCluster = new AtomicInteger();

	/** Clients whose resume waits for their session's home, by session id. */
	private final Map<String, ProxySession> attaching = new ConcurrentHashMap<>();

	SessionEndpoint(LocalConnections connections, SessionTokens tokens, Callbacks callbacks) {
		this.connections = connections;
		this.tokens = tokens;
		this.settings = connections.sessionSettings();
		this.callbacks = callbacks;
		connections.setRemoteSessions(this);
	}

	/**
	 * Return whether a WebSocket session is a session client's: it offered, and was
	 * given, the subprotocol.
	 * @param session the WebSocket session
	 * @return whether its frames are those of the subprotocol
	 */
	static boolean isSessionClient(WebSocketSession session) {
		return SessionFrames.SUBPROTOCOL.equals(session.getAcceptedProtocol());
	}

	/**
	 * Wait for a new connection's first frame, within the hello timeout.
	 * @param webSocket the connection
	 */
	void connected(WebSocketSession webSocket) {
		webSocket.getAttributes().put(PENDING_ATTRIBUTE, Boolean.TRUE);
		this.connections.sendTimer().schedule(() -> {
			if (webSocket.getAttributes().containsKey(PENDING_ATTRIBUTE) && webSocket.isOpen()) {
				Sessions.closeNow(webSocket,
						CloseStatus.POLICY_VIOLATION.withReason("No hello or resume within the hello timeout"));
			}
		}, this.settings.helloTimeout().toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Return how many resumes wait until this node, just started, knows where the
	 * sessions of the cluster are.
	 */
	int waitingForCluster() {
		return this.waitingForCluster.get();
	}

	/**
	 * Handle a whole frame from a session client.
	 * @param webSocket the connection
	 * @param frame the frame
	 */
	void received(WebSocketSession webSocket, String frame) {
		ClientFrame parsed;
		try {
			parsed = SessionFrames.parse(frame);
		}
		catch (SessionFrames.InvalidFrameException ex) {
			refuse(webSocket, isPending(webSocket) ? CloseStatus.POLICY_VIOLATION : CloseStatus.NOT_ACCEPTABLE,
					ex.getMessage());
			return;
		}
		if (isPending(webSocket)) {
			first(webSocket, parsed);
			return;
		}
		Recipient session = session(webSocket);
		if (session == null) {
			session = (ProxySession) webSocket.getAttributes().get(PROXY_ATTRIBUTE);
		}
		if (session == null) {
			// Its resume waits for the session's home: nothing to take a message yet
			return;
		}
		if (parsed instanceof ClientFrame.Numbered numbered) {
			if (handle(webSocket, session, numbered.seq())) {
				this.callbacks.message(numbered.text(), session);
				acknowledgeLater((Acknowledging) session);
			}
		}
		else if (parsed instanceof ClientFrame.Message message) {
			this.callbacks.message(message.text(), session);
		}
		else if (parsed instanceof ClientFrame.Hello || parsed instanceof ClientFrame.Resume) {
			refuse(webSocket, CloseStatus.POLICY_VIOLATION, "A hello or resume after the first frame");
		}
		// Other: a control message of a later version, ignored
	}

	/**
	 * Take a client's numbered message for the application, once, and only from the
	 * connection the session has now.
	 */
	private static boolean handle(WebSocketSession webSocket, Recipient session, long seq) {
		if (session instanceof ProxySession proxy) {
			return proxy.handle(seq);
		}
		SessionConnection here = (SessionConnection) session;
		return here.current() instanceof LocalConnection connection && connection.session() == webSocket
				&& here.handle(connection, seq);
	}

	/**
	 * Acknowledge the numbered messages a client's session has handled, within the ack
	 * delay: one frame for those that come meanwhile.
	 */
	private void acknowledgeLater(Acknowledging session) {
		if (session.ackDue()) {
			this.connections.sendTimer().schedule(session::acknowledge, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private void first(WebSocketSession webSocket, ClientFrame frame) {
		webSocket.getAttributes().remove(PENDING_ATTRIBUTE);
		if (!this.callbacks.isRunning()) {
			Sessions.closeNow(webSocket, CloseStatus.SERVICE_RESTARTED);
			return;
		}
		if (frame instanceof ClientFrame.Hello) {
			start(webSocket, null, null);
		}
		else if (frame instanceof ClientFrame.Resume resume) {
			resume(webSocket, resume);
		}
		else {
			refuse(webSocket, CloseStatus.POLICY_VIOLATION, "The first frame must be a hello or a resume");
		}
	}

	private void resume(WebSocketSession webSocket, ClientFrame.Resume resume) {
		resume(webSocket, resume, true);
	}

	/**
	 * Resume a session, here or at its home.
	 * @param mayWait whether to wait, if this node has just started, until it knows where
	 * the sessions of the cluster are, before it says that the session is lost
	 */
	private void resume(WebSocketSession webSocket, ClientFrame.Resume resume, boolean mayWait) {
		String user = userOf(webSocket.getPrincipal());
		String id = this.tokens.verify(resume.token(), user);
		SessionRouter router = this.connections.sessionRouter();
		if (id != null && mayWait && !router.isSettled()) {
			// Its home, or the node it was handed to, may be a peer this node is not linked
			// with yet, and the broadcasts it missed are in the history its peers pass on
			this.waitingForCluster.incrementAndGet();
			router.whenSettled().whenComplete((ignored, failure) -> {
				this.waitingForCluster.decrementAndGet();
				if (webSocket.isOpen()) {
					resume(webSocket, resume, false);
				}
			});
			return;
		}
		SessionConnection session = (id != null) ? this.connections.session(id) : null;
		if (session != null && resumeHere(webSocket, session, user, resume)) {
			return;
		}
		String home = (id != null && session == null) ? router.homeOf(id) : null;
		if (home != null) {
			resumeAt(home, webSocket, id, user, resume, true);
			return;
		}
		// A valid token of another node's session whose home is gone: what it kept is lost
		String lostHome = (id != null) ? LocalNode.nodeIdOf(id) : null;
		boolean nodeLost = lostHome != null && !lostHome.equals(this.connections.nodeId())
				&& this.connections.routeOf(id) == null;
		if (id != null) {
			this.callbacks.log("Could not resume " + id + ": " + (nodeLost ? "its home " + lostHome
					+ " is unreachable and no node is known to have taken it over" : "it has ended"));
		}
		start(webSocket, resume, nodeLost ? "node-lost" : "expired");
	}

	/**
	 * Resume a session of this node.
	 * @return whether it was resumed; {@code false} if it has ended meanwhile
	 */
	private boolean resumeHere(WebSocketSession webSocket, SessionConnection session, @Nullable String user,
			ClientFrame.Resume resume) {
		if (session.current() instanceof RemoteTransport other) {
			// The client's connection there is still open: closed first, so that its node
			// says how far it handled the client's messages before the welcome says it
			this.connections.sessionRouter()
				.supersede(other.nodeId(), session.getId(), SUPERSEDED)
				.whenComplete((answer, failure) -> {
					if (webSocket.isOpen() && !resumeHereNow(webSocket, session, user, resume)) {
						start(webSocket, resume, "expired");
					}
				});
			return true;
		}
		return resumeHereNow(webSocket, session, user, resume);
	}

	private boolean resumeHereNow(WebSocketSession webSocket, SessionConnection session, @Nullable String user,
			ClientFrame.Resume resume) {
		String id = session.getId();
		LocalConnection connection = this.callbacks.newConnection(id, webSocket);
		Transport previous = this.connections.withHistory((history) -> {
			BroadcastHistory.Replay replay = history.replay(resume.broadcasts());
			return session.attach(connection, resume.direct(),
					(directGap) -> welcome(connection, id, user, true, session.handled(), replay,
							directGap ? "overflow" : null));
		});
		if (previous == connection) {
			return false;
		}
		webSocket.getAttributes().put(SESSION_ATTRIBUTE, session);
		this.callbacks.attached(webSocket, connection);
		connection.open();
		if (previous != null) {
			previous.close(SUPERSEDED);
		}
		this.callbacks.log("Resumed " + session + " from " + webSocket.getRemoteAddress());
		return true;
	}

	/**
	 * Resume a session of another node: ask its home to relay it here.
	 * @param followMove whether to follow the session, once, if the home answers that it
	 * does not know it because it has just handed it over: its answer comes after its
	 * notice of the move, here or to the heir (this node too)
	 */
	private void resumeAt(String home, WebSocketSession webSocket, String id, @Nullable String user,
			ClientFrame.Resume resume, boolean followMove) {
		LocalConnection connection = this.callbacks.newConnection(id, webSocket);
		ProxySession proxy = new ProxySession(id, home, connection, this.connections.sessionRouter());
		webSocket.getAttributes().put(PROXY_ATTRIBUTE, proxy);
		this.callbacks.attached(webSocket, connection);
		// Frames the home relays before its answer is handled here wait in the proxy
		this.attaching.put(id, proxy);
		this.connections.sessionRouter().attach(home, id, resume.direct()).whenComplete((answer, failure) -> {
			this.attaching.remove(id, proxy);
			boolean attached = failure == null && answer != null && answer != SessionRouter.UNKNOWN;
			if (!webSocket.isOpen()) {
				if (attached) {
					this.connections.sessionRouter().detached(home, id, false);
				}
				return;
			}
			if (!attached) {
				webSocket.getAttributes().remove(PROXY_ATTRIBUTE);
				if (!followMove || !followMove(webSocket, id, home, user, resume)) {
					// No answer because the home became unreachable meanwhile: it crashed
					this.callbacks.log("Could not resume " + id + " at " + home + ": "
							+ ((failure != null) ? "no answer (" + failure + ")" : "it does not know the session"));
					start(webSocket, resume,
							(this.connections.sessionRouter().homeOf(id) == null) ? "node-lost" : "expired");
				}
				return;
			}
			this.connections.withHistory((history) -> {
				welcome(connection, id, user, true, proxy.handled(), history.replay(resume.broadcasts()),
						(answer == SessionRouter.ATTACHED_WITH_GAP) ? "overflow" : null);
				this.connections.add(proxy);
				proxy.welcomed();
				return null;
			});
			connection.open();
			this.callbacks.log("Resumed " + proxy + " from " + webSocket.getRemoteAddress());
		});
	}

	/**
	 * Resume a session at the node that has taken it over from the home that was asked.
	 * @return whether the session was found again
	 */
	private boolean followMove(WebSocketSession webSocket, String id, String asked, @Nullable String user,
			ClientFrame.Resume resume) {
		SessionConnection session = this.connections.session(id);
		if (session != null) {
			return resumeHere(webSocket, session, user, resume);
		}
		String heir = this.connections.sessionRouter().homeOf(id);
		if (heir == null || heir.equals(asked)) {
			return false;
		}
		resumeAt(heir, webSocket, id, user, resume, false);
		return true;
	}

	/**
	 * Start a new session, for a hello or a resume that failed.
	 * @param lost why the session the client resumed is lost, for its {@code gap}
	 */
	private void start(WebSocketSession webSocket, ClientFrame.@Nullable Resume resume, @Nullable String lost) {
		String id = this.callbacks.newId();
		String user = userOf(webSocket.getPrincipal());
		LocalConnection connection = this.callbacks.newConnection(id, webSocket);
		SessionConnection session = new SessionConnection(id, connection,
				new DirectBuffer(this.settings.bufferSize(), this.settings.bufferBytes()), this::ended);
		webSocket.getAttributes().put(SESSION_ATTRIBUTE, session);
		this.callbacks.attached(webSocket, connection);
		this.connections.withHistory((history) -> {
			if (resume != null) {
				welcome(connection, id, user, false, 0, history.replay(resume.broadcasts()),
						(lost != null) ? lost : "expired");
			}
			else {
				// A new client is owed no broadcast sent before it came
				welcome(connection, id, user, false, 0, new BroadcastHistory.Replay(List.of(), List.of(),
						history.positions()), null);
			}
			// Registered with the history read, so that it misses no broadcast
			this.connections.add(session);
			return null;
		});
		refreshTokens();
		this.callbacks.log("Started " + session + ((lost != null) ? " (the resume failed: " + lost + ")" : "") + " from "
				+ webSocket.getRemoteAddress());
		this.callbacks.started(session);
	}

	/**
	 * Send what opens a session's connection, under the history's lock: the welcome, a
	 * gap for the session's own messages if some are lost, then the broadcasts the client
	 * missed, with a gap for each origin of which some are lost.
	 * @param handled the seq of the client's last numbered message the session handled
	 * @param directGap why the session's own messages are lost, or {@code null}
	 */
	private void welcome(LocalConnection connection, String id, @Nullable String user, boolean resumed, long handled,
			BroadcastHistory.Replay replay, @Nullable String directGap) {
		connection.send(SessionFrames.welcome(id, this.tokens.issue(id, user), resumed, handled, replay.positions()));
		if (directGap != null) {
			connection.send(SessionFrames.gap("direct", directGap, null));
		}
		for (String origin : replay.gaps()) {
			connection.send(SessionFrames.gap("broadcast", "history", origin));
		}
		replay.frames().forEach(connection::send);
	}

	/**
	 * Handle a session client's connection that closed.
	 * @param webSocket the connection
	 * @param connection its {@link LocalConnection}, if it had started or resumed a
	 * session
	 * @param status how it closed
	 */
	void closed(WebSocketSession webSocket, @Nullable LocalConnection connection, CloseStatus status) {
		webSocket.getAttributes().remove(PENDING_ATTRIBUTE);
		ProxySession proxy = (ProxySession) webSocket.getAttributes().get(PROXY_ATTRIBUTE);
		if (proxy != null) {
			this.connections.remove(proxy);
			// The home learns how far its client's messages went before it may answer a resume elsewhere
			proxy.stop();
			this.connections.sessionRouter().detached(proxy.home(), proxy.getId(),
					proxy.isCloseRequested() || status.getCode() == CloseStatus.NORMAL.getCode());
			return;
		}
		SessionConnection session = session(webSocket);
		if (session == null || connection == null) {
			return;
		}
		detach(session, connection, status);
	}

	/**
	 * A session's connection has closed, here or on another node: the session waits for
	 * its client, or ends.
	 */
	private void detach(SessionConnection session, Transport connection, CloseStatus status) {
		long now = System.nanoTime();
		switch (session.detach(connection, now)) {
			case NOT_CURRENT -> {
			}
			case ENDED -> ended(session, orElse(session.closeRequested(), status));
			case WAITING -> {
				if (status.getCode() == CloseStatus.NORMAL.getCode() || !this.callbacks.isRunning()) {
					// The client said goodbye, or this node stops (for now, sessions end with it)
					if (session.end()) {
						ended(session, status);
					}
				}
				else {
					expireLater(session, now, status);
				}
			}
		}
	}

	private void expireLater(SessionConnection session, long since, CloseStatus status) {
		this.connections.sendTimer().schedule(() -> {
			if (session.expire(since)) {
				ended(session, status);
			}
		}, this.settings.resumeWindow().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void ended(SessionConnection session, CloseStatus status) {
		this.connections.remove(session);
		this.callbacks.log("Ended " + session + " with " + status);
		this.callbacks.ended(session, status);
	}

	@Override
	public void attach(String nodeId, String sessionId, long received, IntConsumer reply) {
		CompletableFuture<?> moving = this.handingOver.get(sessionId);
		if (moving != null) {
			// Answered after the move's announcement, which the asking node then follows
			moving.whenComplete((answer, failure) -> reply.accept(SessionRouter.UNKNOWN));
			return;
		}
		SessionConnection session = this.connections.session(sessionId);
		if (session == null) {
			reply.accept(SessionRouter.UNKNOWN);
			return;
		}
		if (session.current() instanceof RemoteTransport other && !other.nodeId().equals(nodeId)) {
			// The client's connection there is still open: closed first, so that its node
			// says how far it handled the client's messages before the answer says it
			this.connections.sessionRouter()
				.supersede(other.nodeId(), sessionId, SUPERSEDED)
				.whenComplete((answer, failure) -> attachNow(nodeId, sessionId, received, reply));
			return;
		}
		attachNow(nodeId, sessionId, received, reply);
	}

	private void attachNow(String nodeId, String sessionId, long received, IntConsumer reply) {
		SessionConnection session = this.connections.session(sessionId);
		if (session == null) {
			reply.accept(SessionRouter.UNKNOWN);
			return;
		}
		RemoteTransport transport = new RemoteTransport(nodeId, sessionId, this.connections.sessionRouter());
		Transport previous = session.attach(transport, received, (directGap) -> {
			// Where the client's messages start, on the channel ahead of the answer
			this.connections.sessionRouter().handled(nodeId, sessionId, session.handled());
			reply.accept(directGap ? SessionRouter.ATTACHED_WITH_GAP : SessionRouter.ATTACHED);
		});
		if (previous == transport) {
			reply.accept(SessionRouter.UNKNOWN);
			return;
		}
		if (previous != null && !previous.equals(transport)) {
			previous.close(SUPERSEDED);
		}
		this.callbacks.log("Relaying " + session + " to " + nodeId);
	}

	@Override
	public void detached(String nodeId, String sessionId, boolean ended) {
		SessionConnection session = this.connections.session(sessionId);
		if (session != null && session.current() instanceof RemoteTransport remote && remote.nodeId().equals(nodeId)) {
			detach(session, remote, ended ? CloseStatus.NORMAL : CloseStatus.GOING_AWAY);
		}
	}

	@Override
	public void handled(String nodeId, String sessionId, long seq) {
		ProxySession proxy = this.attaching.get(sessionId);
		if (proxy == null) {
			proxy = this.connections.proxy(sessionId);
		}
		if (proxy != null && proxy.home().equals(nodeId)) {
			proxy.handledAtLeast(seq);
			return;
		}
		SessionConnection session = this.connections.session(sessionId);
		if (session != null) {
			session.handledAt(nodeId, seq);
		}
	}

	@Override
	public void reportHandled() {
		this.connections.recipients(ProxySession.class).forEach(ProxySession::reportHandled);
	}

	@Override
	public void relayed(String home, String sessionId, String frame) {
		ProxySession proxy = this.attaching.get(sessionId);
		if (proxy == null) {
			proxy = this.connections.proxy(sessionId);
		}
		if (proxy != null && proxy.home().equals(home)) {
			proxy.relayed(OutboundText.of(frame));
		}
		else {
			// Its client has gone from here: the home is to stop relaying
			this.connections.sessionRouter().detached(home, sessionId, false);
		}
	}

	@Override
	public void close(String home, String sessionId, CloseStatus status) {
		ProxySession proxy = this.connections.proxy(sessionId);
		if (proxy != null && proxy.home().equals(home)) {
			// The home learns how far the client's messages went before its answer; the
			// home ends the session itself if that is why it closes it here
			proxy.stop();
			proxy.connection().close(status);
		}
	}

	@Override
	public void detachFrom(Predicate<String> reachable) {
		for (SessionConnection session : this.connections.sessions()) {
			if (session.current() instanceof RemoteTransport remote && !reachable.test(remote.nodeId())) {
				detach(session, remote, CloseStatus.GOING_AWAY);
			}
		}
	}

	@Override
	public void left(String nodeId) {
		for (SessionConnection session : this.connections.sessions()) {
			session.lift(nodeId);
		}
	}

	@Override
	public void closeOrphans(Predicate<String> reachable) {
		for (ProxySession proxy : this.connections.recipients(ProxySession.class)) {
			if (!reachable.test(proxy.home())) {
				this.callbacks.log("Closing " + proxy + ": its home is unreachable");
				proxy.connection().close(CloseStatus.SERVICE_RESTARTED);
			}
		}
	}

	@Override
	public void handOver(BinaryOperator<@Nullable String> heirOf, Function<Adoption, CompletableFuture<?>> announce) {
		for (SessionConnection session : this.connections.sessions()) {
			String attached = (session.current() instanceof RemoteTransport remote) ? remote.nodeId() : null;
			String heir = heirOf.apply(session.getId(), attached);
			if (heir == null) {
				continue;
			}
			String id = session.getId();
			CompletableFuture<Void> moved = new CompletableFuture<>();
			this.handingOver.put(id, moved);
			SessionConnection.Handover handover = session.handOver();
			if (handover == null) {
				this.handingOver.remove(id, moved);
				continue;
			}
			this.connections.remove(session);
			this.connections.route(id, heir);
			announce
				.apply(new Adoption(id, userOf(session.getPrincipal()), handover.last(), handover.frames(),
						handover.handled(), heir))
				.whenComplete((answer, failure) -> {
					this.handingOver.remove(id, moved);
					moved.complete(null);
				});
			this.callbacks.movedAway(session);
			if (handover.connection() instanceof LocalConnection local) {
				// Once the heir has the session: the client reconnects and resumes, wherever it lands
				moved.whenComplete((ignored, failure) -> local.close(CloseStatus.SERVICE_RESTARTED));
			}
			this.callbacks.log("Handed " + session + " to " + heir);
		}
		for (ProxySession proxy : this.connections.recipients(ProxySession.class)) {
			// A client here whose session lives on another node: it reconnects while this
			// node's links still carry its detach and what it sent
			this.callbacks.log("Closing " + proxy + ": this node stops");
			proxy.stop();
			proxy.connection().close(CloseStatus.SERVICE_RESTARTED);
		}
	}

	@Override
	public boolean adopt(String nodeId, Adoption adoption) {
		try {
			return adoptSession(nodeId, adoption);
		}
		catch (RuntimeException ex) {
			// Never into the link that carried it
			logger.warn("Could not take over session " + adoption.sessionId() + " from " + nodeId, ex);
			return false;
		}
	}

	private boolean adoptSession(String nodeId, Adoption adoption) {
		DirectBuffer buffer = new DirectBuffer(this.settings.bufferSize(), this.settings.bufferBytes());
		try {
			buffer.restore(adoption.last(), adoption.frames());
		}
		catch (IllegalArgumentException ex) {
			logger.warn("Refused session " + adoption.sessionId() + " from " + nodeId + ": " + ex.getMessage());
			return false;
		}
		String id = adoption.sessionId();
		long now = System.nanoTime();
		ProxySession proxy = this.connections.proxy(id);
		SessionConnection session;
		if (proxy != null && proxy.home().equals(nodeId)) {
			// Its client is connected here: the session goes on without a reconnect
			LocalConnection connection = proxy.connection();
			session = new SessionConnection(id, connection.getPrincipal(), connection.getAttributes(), buffer,
					this::ended, connection, now, adoption.handled());
			proxy.succeededBy(session);
			connection.session().getAttributes().remove(PROXY_ATTRIBUTE);
			connection.session().getAttributes().put(SESSION_ATTRIBUTE, session);
			this.connections.add(session);
		}
		else {
			Principal principal = (adoption.user() != null) ? new UserPrincipal(adoption.user()) : null;
			session = new SessionConnection(id, principal, Map.of(), buffer, this::ended, null, now,
					adoption.handled());
			this.connections.add(session);
			expireLater(session, now, CloseStatus.GOING_AWAY);
		}
		// Until the old home's leave notice: it forwards what its senders sent before the move
		session.fence(nodeId);
		this.connections.sessionRouter().watch();
		this.connections.unroute(id);
		this.callbacks.adopted(session);
		this.callbacks.log("Took over " + session + " from " + nodeId);
		return true;
	}

	/**
	 * Send every connected session a fresh token every half resume window, from the
	 * first session on.
	 */
	private void refreshTokens() {
		if (this.refreshingTokens) {
			return;
		}
		synchronized (this) {
			if (this.refreshingTokens) {
				return;
			}
			this.refreshingTokens = true;
		}
		long period = Math.max(1, this.settings.resumeWindow().toNanos() / 2);
		this.connections.sendTimer().scheduleWithFixedDelay(() -> {
			try {
				for (SessionConnection session : this.connections.sessions()) {
					// Only to a session with a connection (here or relayed): no token for one that waits
					if (session.current() != null) {
						session.control(SessionFrames.token(
								this.tokens.issue(session.getId(), userOf(session.getPrincipal()))));
					}
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Could not refresh the tokens of sessions", ex);
			}
		}, period, period, TimeUnit.NANOSECONDS);
	}

	private void refuse(WebSocketSession webSocket, CloseStatus status, @Nullable String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("Closing " + webSocket.getId() + " with " + status.getCode() + ": " + reason);
		}
		Sessions.closeNow(webSocket, status.withReason(truncate(reason)));
	}

	/** A close reason is at most 123 bytes of UTF-8. */
	private static String truncate(@Nullable String reason) {
		if (reason == null) {
			return "";
		}
		String ascii = reason.replaceAll("[^\\x20-\\x7e]", "?");
		return (ascii.length() > 120) ? ascii.substring(0, 120) : ascii;
	}

	private static boolean isPending(WebSocketSession webSocket) {
		return webSocket.getAttributes().containsKey(PENDING_ATTRIBUTE);
	}

	static @Nullable SessionConnection session(WebSocketSession webSocket) {
		return (SessionConnection) webSocket.getAttributes().get(SESSION_ATTRIBUTE);
	}

	private static @Nullable String userOf(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : null;
	}

	private static CloseStatus orElse(@Nullable CloseStatus status, CloseStatus other) {
		return (status != null) ? status : other;
	}

	/**
	 * The principal of a session handed over from another node: its name.
	 */
	private record UserPrincipal(String name) implements Principal {

		@Override
		public String getName() {
			return this.name;
		}

	}

	/**
	 * What the endpoint's handler does for sessions.
	 */
	interface Callbacks {

		/** Return whether the endpoint accepts connections. */
		boolean isRunning();

		/** Return a new cluster-unique connection id. */
		String newId();

		/** Make the {@link LocalConnection} of a WebSocket session. */
		LocalConnection newConnection(String id, WebSocketSession webSocket);

		/** Keep a connection with its WebSocket session. */
		void attached(WebSocketSession webSocket, LocalConnection connection);

		/** A session started: call {@code onConnect}, open it, publish it. */
		void started(SessionConnection session);

		/** A message for the application. */
		void message(String text, Recipient session);

		/** A session ended: unpublish it, call {@code onClose}. */
		void ended(SessionConnection session, CloseStatus status);

		/** A session was handed to another node: unpublish it, without {@code onClose}. */
		void movedAway(SessionConnection session);

		/** A session was handed to this node: publish it, without {@code onConnect}. */
		void adopted(SessionConnection session);

		void log(String message);

	}

}

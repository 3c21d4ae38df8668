package io.socketbox.spring.internal;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.internal.session.SessionFrames;
import io.socketbox.spring.internal.session.SessionTokens;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The {@link org.springframework.web.socket.WebSocketHandler} that SocketBox registers
 * for browsers. It gives each session a cluster-unique id and a bounded outbound queue
 * of its own, keeps it in {@link LocalConnections} and calls the application's
 * {@link SocketBoxHandler}.
 * <p>
 * It stops first of SocketBox's lifecycle beans
 * ({@link LifecyclePhases#BROWSER_ENDPOINT}): from then on its
 * {@link #getHandshakeInterceptor() interceptor} refuses browsers with {@code 503}, while
 * the connections that are open stay open until {@link LocalConnections} closes them.
 * <p>
 * Internal to SocketBox, public for the auto-configuration, which registers it.
 */
public final class SocketBoxWebSocketHandler extends TextWebSocketHandler
		implements SmartLifecycle, SubProtocolCapable {

	private static final Log logger = LogFactory.getLog(SocketBoxWebSocketHandler.class);

	private static final String CONNECTION_ATTRIBUTE = SocketBoxConnection.class.getName();

	/** While data flows, a ping at most every quarter of the send time limit. */
	private static final int PINGS_PER_SEND_TIME_LIMIT = 4;

	/**
	 * The timer looks for unanswered pings eight times per send time limit, so that a
	 * client is cut off at most an eighth late when nothing is sent to it.
	 */
	private static final int CHECKS_PER_SEND_TIME_LIMIT = 8;

	private final SocketBoxHandler handler;

	private final LocalConnections connections;

	private final String connectionIdPrefix;

	private final AtomicLong sequence = new AtomicLong();

	private final Limits limits;

	private final ConnectionOutbox.Limits outboxLimits;

	private final PartialTextMessages partialMessages;

	private final boolean debug;

	private final DirectoryUpdates directory;

	private final String nodeId;

	private final HandshakeInterceptor refuseWhileStopped = new RefuseWhileStopped();

	private final SessionEndpoint sessions;

	private volatile boolean running;

	/**
	 * Create a new handler.
	 * @param handler the application's handler
	 * @param cluster this node's view of the cluster
	 * @param connections where to keep the open connections
	 * @param limits the limits of each connection
	 * @param debug whether to log each connection at INFO
	 */
	public SocketBoxWebSocketHandler(SocketBoxHandler handler, SocketBoxCluster cluster,
			LocalConnections connections, Limits limits, boolean debug) {
		this(handler, cluster, connections, DirectoryUpdates.NONE, limits, debug);
	}

	/**
	 * Create a new handler that reports its connections to a directory, whose session
	 * tokens are signed with a random key.
	 * @param handler the application's handler
	 * @param cluster this node's view of the cluster
	 * @param connections where to keep the open connections
	 * @param directory where to report the connections that open and close
	 * @param limits the limits of each connection
	 * @param debug whether to log each connection at INFO
	 */
	public SocketBoxWebSocketHandler(SocketBoxHandler handler, SocketBoxCluster cluster,
			LocalConnections connections, DirectoryUpdates directory, Limits limits, boolean debug) {
		this(handler, cluster, connections, directory, SessionTokens.create(null, List.of(),
				connections.sessionSettings().resumeWindow()), limits, debug);
	}

	/**
	 * Create a new handler that reports its connections to a directory.
	 * @param handler the application's handler
	 * @param cluster this node's view of the cluster
	 * @param connections where to keep the open connections
	 * @param directory where to report the connections that open and close
	 * @param tokens signs and verifies the tokens with which clients resume sessions
	 * @param limits the limits of each connection
	 * @param debug whether to log each connection at INFO
	 */
	public SocketBoxWebSocketHandler(SocketBoxHandler handler, SocketBoxCluster cluster,
			LocalConnections connections, DirectoryUpdates directory, SessionTokens tokens, Limits limits,
			boolean debug) {
		this.handler = handler;
		this.directory = directory;
		this.connections = connections;
		this.nodeId = cluster.getNodeId();
		this.connectionIdPrefix = this.nodeId + ".";
		this.limits = limits;
		long sendTimeLimitNanos = TimeUnit.MILLISECONDS.toNanos(limits.sendTimeLimitMillis());
		this.outboxLimits = new ConnectionOutbox.Limits(sendTimeLimitNanos, limits.sendBufferSizeLimit(),
				limits.readLiveness() ? sendTimeLimitNanos / PINGS_PER_SEND_TIME_LIMIT : 0);
		this.partialMessages = new PartialTextMessages(limits.maxTextMessageSize());
		this.debug = debug;
		this.sessions = new SessionEndpoint(connections, tokens, new SessionCallbacks());
	}

	/**
	 * Return the subprotocol of SocketBox's sessions, which the endpoint selects for
	 * every client that offers it.
	 */
	@Override
	public List<String> getSubProtocols() {
		return List.of(SessionFrames.SUBPROTOCOL);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		if (!this.running) {
			// Upgraded while the handler stopped
			Sessions.closeNow(session, CloseStatus.SERVICE_RESTARTED);
			return;
		}
		this.partialMessages.configure(session);
		SendTimeouts.apply(session, this.limits.sendTimeLimitMillis());
		if (this.outboxLimits.pingIntervalNanos() > 0) {
			this.connections.checkReadLiveness(
					this.outboxLimits.sendTimeLimitNanos() / CHECKS_PER_SEND_TIME_LIMIT);
		}
		if (SessionEndpoint.isSessionClient(session)) {
			// Its first frame starts or resumes a session
			this.sessions.connected(session);
			return;
		}
		LocalConnection connection = newConnection(newId(), session);
		session.getAttributes().put(CONNECTION_ATTRIBUTE, connection);
		log("Connected " + connection + " from " + session.getRemoteAddress());
		// Registered first, so that a client that has seen what onConnect sent misses no
		// broadcast; messages from elsewhere are held until onConnect has returned
		this.connections.add(connection);
		connect(connection);
		if (!session.isOpen()) {
			// Closed while it was being published: afterConnectionClosed may have come first
			this.directory.closed(connection.getId());
		}
	}

	private String newId() {
		return this.connectionIdPrefix + this.sequence.incrementAndGet();
	}

	private LocalConnection newConnection(String id, WebSocketSession session) {
		return new LocalConnection(id, session, TextSender.forSession(session, this.connections.executor(),
				this.connections::sendTimer, this.limits.sendTimeLimitMillis()), this.connections.writers(),
				this.outboxLimits, this.connections.outboxListener());
	}

	/**
	 * Call {@code onConnect}, then send what was held, then publish the connection.
	 */
	private void connect(Recipient connection) {
		try {
			this.handler.onConnect(connection);
		}
		finally {
			this.connections.open(connection);
		}
		Principal principal = connection.getPrincipal();
		this.directory.opened(new ClusterConnection(connection.getId(), this.nodeId,
				(principal != null) ? principal.getName() : null, this.handler.getPublishedAttributes(connection)));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
		boolean sessionClient = SessionEndpoint.isSessionClient(session);
		LocalConnection connection = getConnection(session);
		if (connection != null || sessionClient) {
			String payload = this.partialMessages.add(session, message);
			if (payload == null) {
				return;
			}
			if (sessionClient) {
				this.sessions.received(session, payload);
			}
			else {
				this.handler.onMessage(payload, connection);
			}
		}
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		LocalConnection connection = getConnection(session);
		if (connection != null) {
			connection.outbox().pong(message.getPayload());
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		if (logger.isDebugEnabled()) {
			logger.debug("Transport error on " + getConnection(session) + ": " + exception.getMessage());
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		LocalConnection connection = getConnection(session);
		if (SessionEndpoint.isSessionClient(session)) {
			if (connection != null) {
				this.connections.closedWith(status);
				connection.discard();
				log("Closed " + connection + " with " + status);
			}
			this.sessions.closed(session, connection, status);
			return;
		}
		if (connection != null) {
			this.connections.closedWith(status);
			this.connections.remove(connection);
			this.directory.closed(connection.getId());
			connection.discard();
			log("Closed " + connection + " with " + status);
			this.handler.onClose(connection, status);
		}
	}

	SessionEndpoint sessions() {
		return this.sessions;
	}

	private @Nullable LocalConnection getConnection(WebSocketSession session) {
		return (LocalConnection) session.getAttributes().get(CONNECTION_ATTRIBUTE);
	}

	private void log(String message) {
		if (this.debug) {
			logger.info(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	/**
	 * Return the interceptor that refuses browsers with {@code 503 Service Unavailable}
	 * while this handler is not running, for the endpoint of this handler.
	 * @return the interceptor
	 */
	public HandshakeInterceptor getHandshakeInterceptor() {
		return this.refuseWhileStopped;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Stop accepting browsers. Open connections are closed later, by
	 * {@link LocalConnections}, once the cluster has stopped.
	 */
	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return LifecyclePhases.BROWSER_ENDPOINT;
	}

	/**
	 * The limits of each browser connection.
	 *
	 * @param sendTimeLimitMillis how long a send may block before the connection is cut
	 * off
	 * @param sendBufferSizeLimit how many bytes may wait to be sent before the connection
	 * is cut off
	 * @param maxTextMessageSize the largest text message accepted from a client
	 * @param readLiveness whether to ping clients while data flows to them and cut off
	 * those that do not answer within the send time limit
	 */
	public record Limits(int sendTimeLimitMillis, int sendBufferSizeLimit, int maxTextMessageSize,
			boolean readLiveness) {

	}

	/**
	 * What the session endpoint asks of this handler.
	 */
	private final class SessionCallbacks implements SessionEndpoint.Callbacks {

		@Override
		public boolean isRunning() {
			return SocketBoxWebSocketHandler.this.running;
		}

		@Override
		public String newId() {
			return SocketBoxWebSocketHandler.this.newId();
		}

		@Override
		public LocalConnection newConnection(String id, WebSocketSession webSocket) {
			return SocketBoxWebSocketHandler.this.newConnection(id, webSocket);
		}

		@Override
		public void attached(WebSocketSession webSocket, LocalConnection connection) {
			webSocket.getAttributes().put(CONNECTION_ATTRIBUTE, connection);
		}

		@Override
		public void started(SessionConnection session) {
			connect(session);
			if (!session.isOpen()) {
				// Ended while it was being published: ended() may have come first
				SocketBoxWebSocketHandler.this.directory.closed(session.getId());
			}
		}

		@Override
		public void message(String text, Recipient session) {
			SocketBoxWebSocketHandler.this.handler.onMessage(text, session);
		}

		@Override
		public void ended(SessionConnection session, CloseStatus status) {
			SocketBoxWebSocketHandler.this.directory.closed(session.getId());
			SocketBoxWebSocketHandler.this.handler.onClose(session, status);
		}

		@Override
		public void movedAway(SessionConnection session) {
			SocketBoxWebSocketHandler.this.directory.closed(session.getId());
		}

		@Override
		public void adopted(SessionConnection session) {
			// Published under its id, which names the node it started on: nodes that start
			// after the handover find it here
			Principal principal = session.getPrincipal();
			SocketBoxWebSocketHandler.this.directory.opened(new ClusterConnection(session.getId(),
					SocketBoxWebSocketHandler.this.nodeId, (principal != null) ? principal.getName() : null,
					SocketBoxWebSocketHandler.this.handler.getPublishedAttributes(session)));
		}

		@Override
		public void log(String message) {
			SocketBoxWebSocketHandler.this.log(message);
		}

	}

	/**
	 * Refuses the upgrade before a session exists, while the handler is not running.
	 */
	private final class RefuseWhileStopped implements HandshakeInterceptor {

		@Override
		public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
				WebSocketHandler wsHandler, Map<String, Object> attributes) {
			if (SocketBoxWebSocketHandler.this.running) {
				return true;
			}
			ConnectionLimitInterceptor.refuse(response);
			if (logger.isDebugEnabled()) {
				logger.debug("Refused a connection to " + request.getURI().getPath() + " with 503: stopped");
			}
			return false;
		}

		@Override
		public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
				@Nullable Exception exception) {
		}

	}

}

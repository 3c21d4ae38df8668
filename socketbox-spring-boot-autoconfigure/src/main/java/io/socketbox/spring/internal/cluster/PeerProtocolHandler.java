package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.SendTimeouts;
import io.socketbox.spring.internal.Sessions;
import io.socketbox.spring.internal.TextMessageSizeLimits;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Speaks the peer protocol on one side of a link: the mutual challenge-response
 * handshake, after which it hands the link and its envelopes, several per frame when
 * they queued up (see {@link PeerFrames}), to the {@link PeerInbox}. The dialing side
 * completes its {@link Dialer.Dial} when the link is authenticated and when it closes. The accepting side sends a challenge as soon as the link
 * opens; the dialing side answers with its proof; the accepting side checks it and
 * answers with its own. Neither side passes cluster traffic before it has checked the
 * other's proof, and any frame out of turn closes the link. A link closed before its
 * handshake completes is closed at once, without waiting for the other side's close
 * frame, and the accepting side admits only so many links that have not completed it
 * ({@link PendingHandshakes}).
 */
final class PeerProtocolHandler extends TextWebSocketHandler {

	private static final Log logger = LogFactory.getLog(PeerProtocolHandler.class);

	/**
	 * The largest frame accepted before the handshake has completed, in characters.
	 */
	static final int HANDSHAKE_FRAME_LIMIT = 8 * 1024;

	private static final String STATE_ATTRIBUTE = PeerProtocolHandler.class.getName() + ".state";

	private final PeerContext context;

	private final Dialer.@Nullable Dial dial;

	private final @Nullable PendingHandshakes pendingHandshakes;

	/**
	 * Create a handler for the accepting side.
	 */
	PeerProtocolHandler(PeerContext context, PendingHandshakes pendingHandshakes) {
		this(context, null, pendingHandshakes);
	}

	/**
	 * Create a handler for the dialing side of a link to the given peer.
	 */
	PeerProtocolHandler(PeerContext context, Dialer.Dial dial) {
		this(context, dial, null);
	}

	private PeerProtocolHandler(PeerContext context, Dialer.@Nullable Dial dial,
			@Nullable PendingHandshakes pendingHandshakes) {
		this.context = context;
		this.dial = dial;
		this.pendingHandshakes = pendingHandshakes;
	}

	private boolean isDialer() {
		return this.dial != null;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		// Handshake frames are small: a connection that has not authenticated may not
		// make the container buffer a full-size frame
		TextMessageSizeLimits.apply(session, frameLimit(null));
		SendTimeouts.apply(session, this.context.sendTimeLimitMillis());
		if (isDialer()) {
			TcpNoDelay.enable(session);
		}
		WebSocketSession concurrent = new ConcurrentWebSocketSessionDecorator(session,
				this.context.sendTimeLimitMillis(), this.context.sendBufferSizeLimit());
		String localNonce = this.context.authenticator().newNonce();
		PendingHandshakes pending = this.pendingHandshakes;
		if (pending != null && !pending.tryAcquire()) {
			// One of several upgrades that passed the interceptor's check at the same moment
			if (logger.isDebugEnabled()) {
				logger.debug("Closing peer link " + session.getRemoteAddress() + ": " + pending.limit()
						+ " connections have not completed the peer handshake");
			}
			Sessions.closeNow(session, CloseStatus.SERVICE_OVERLOAD.withReason("Too many pending peer handshakes"));
			return;
		}
		State state = new State(concurrent, localNonce, pending != null);
		session.getAttributes().put(STATE_ATTRIBUTE, state);
		this.context.scheduler().schedule(() -> closeIfNotAuthenticated(state),
				this.context.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		if (!isDialer()) {
			LocalNode local = this.context.localNode();
			send(state, Envelope.challenge(local.getId(), local.getName(), state.localNonce));
		}
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		State state = (State) session.getAttributes().get(STATE_ATTRIBUTE);
		if (state == null) {
			return;
		}
		String payload = message.getPayload();
		int limit = frameLimit(state);
		if (payload.length() > limit) {
			// Jetty's own limit is in bytes, three per character: the characters are counted here
			logger.warn("Closing peer link " + session.getRemoteAddress() + ": frame of " + payload.length()
					+ " characters, larger than " + limit);
			close(state, CloseStatus.TOO_BIG_TO_PROCESS.withReason("Frame larger than " + limit + " characters"));
			return;
		}
		for (String text : PeerFrames.split(payload)) {
			if (state.closed) {
				return;
			}
			handleEnvelope(state, text);
		}
	}

	private void handleEnvelope(State state, String text) {
		Envelope envelope;
		try {
			envelope = this.context.codec().read(text);
		}
		catch (EnvelopeCodec.InvalidEnvelopeException ex) {
			reject(state, ex.getMessage());
			return;
		}
		PeerLink link = state.link;
		if (link != null) {
			if (link.isClosedHere()) {
				// Still draining while the close handshake completes; what the next link
				// does not resend was given up on by the sender
				return;
			}
			link.received();
			String rejection = this.context.inbox().receive(link, envelope);
			if (rejection != null) {
				reject(state, rejection);
			}
			return;
		}
		if (isDialer()) {
			handleAsDialer(state, envelope);
		}
		else {
			handleAsAcceptor(state, envelope);
		}
	}

	private void handleAsDialer(State state, Envelope envelope) {
		Dialer.Dial expected = this.dial;
		LocalNode local = this.context.localNode();
		PeerAuthenticator authenticator = this.context.authenticator();
		if (Envelope.CHALLENGE.equals(envelope.type()) && state.peerNonce == null && envelope.nonce() != null) {
			if (!expected.id().equals(envelope.origin())) {
				reject(state, "Expected node " + expected.id() + " at " + expected.name() + " but found "
						+ envelope.origin());
				return;
			}
			state.peerNonce = envelope.nonce();
			state.peerId = envelope.origin();
			state.peerName = expected.name();
			send(state, Envelope.hello(local.getId(), local.getName(), state.localNonce,
					authenticator.helloProof(state.peerNonce, state.localNonce, local.getId(), state.peerId,
							expected.name()),
					this.context.peers().lastReceivedFrom(state.peerId)));
		}
		else if (Envelope.WELCOME.equals(envelope.type()) && state.peerNonce != null && envelope.proof() != null
				&& envelope.origin().equals(state.peerId)) {
			if (!authenticator.acceptsWelcome(envelope.proof(), state.peerNonce, state.localNonce, local.getId(),
					state.peerId, expected.name())) {
				rejectOnce(state, "Node at " + expected.name() + " failed to prove that it knows the secret",
						"secret-of:" + expected.name());
				return;
			}
			authenticated(state, (envelope.ack() != null) ? envelope.ack() : 0);
		}
		else {
			reject(state, "Unexpected " + envelope.type() + " frame during handshake");
		}
	}

	private void handleAsAcceptor(State state, Envelope envelope) {
		LocalNode local = this.context.localNode();
		PeerAuthenticator authenticator = this.context.authenticator();
		if (!Envelope.HELLO.equals(envelope.type()) || envelope.nonce() == null || envelope.proof() == null
				|| envelope.name() == null) {
			reject(state, "Unexpected " + envelope.type() + " frame during handshake");
			return;
		}
		if (!authenticator.acceptsHello(envelope.proof(), state.localNonce, envelope.nonce(), envelope.origin(),
				local.getId(), local.getName())) {
			rejectOnce(state, "Node " + envelope.origin() + " (" + envelope.name()
					+ ") failed to prove that it knows the secret", "secret-from:" + envelope.name());
			return;
		}
		state.peerNonce = envelope.nonce();
		state.peerId = envelope.origin();
		state.peerName = envelope.name();
		send(state, Envelope.welcome(local.getId(),
				authenticator.welcomeProof(state.localNonce, state.peerNonce, state.peerId, local.getId(),
						local.getName()),
				this.context.peers().lastReceivedFrom(state.peerId)));
		authenticated(state, (envelope.ack() != null) ? envelope.ack() : 0);
	}

	private void authenticated(State state, long peerAcknowledged) {
		// Read from the container when the next message begins, after this returns
		TextMessageSizeLimits.apply(state.session, this.context.maxFrameSize());
		PeerLink link = new PeerLink(state.peerId, state.peerName, state.session);
		state.link = link;
		releasePending(state);
		if (logger.isDebugEnabled()) {
			logger.debug("Link " + (isDialer() ? "to " : "from ") + state.peerName + " (" + state.peerId
					+ ") authenticated");
		}
		this.context.inbox().linkUp(link, peerAcknowledged);
		if (this.dial != null) {
			this.dial.linked().complete(null);
		}
	}

	/**
	 * Return the largest frame a link takes, in UTF-16 characters: small until the peer
	 * has authenticated.
	 */
	private int frameLimit(@Nullable State state) {
		return (state != null && state.link != null) ? this.context.maxFrameSize()
				: Math.min(HANDSHAKE_FRAME_LIMIT, this.context.maxFrameSize());
	}

	private void reject(State state, String reason) {
		logger.warn("Closing peer link " + state.session.getRemoteAddress() + ": " + reason);
		close(state, CloseStatus.POLICY_VIOLATION.withReason(truncate(reason)));
	}

	/**
	 * Reject a peer that keeps coming back (another cluster with another secret under
	 * the same prefix, say), logging it once rather than on every attempt.
	 */
	private void rejectOnce(State state, String reason, String key) {
		if (this.context.peers().firstRejection(key)) {
			logger.warn("Closing peer link " + state.session.getRemoteAddress() + ": " + reason
					+ "; further attempts are logged at DEBUG level");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Closing peer link " + state.session.getRemoteAddress() + ": " + reason);
		}
		close(state, CloseStatus.POLICY_VIOLATION.withReason(truncate(reason)));
	}

	private void closeIfNotAuthenticated(State state) {
		if (state.link == null && state.session.isOpen()) {
			reject(state, "Handshake not completed within " + this.context.handshakeTimeout());
		}
	}

	private void send(State state, Envelope envelope) {
		try {
			state.session.sendMessage(this.context.codec().write(envelope));
		}
		catch (Exception ex) {
			close(state, CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	private void close(State state, CloseStatus status) {
		state.closed = true;
		if (state.link == null) {
			// Not a peer yet: do not hold the connection for a close frame that may never come
			releasePending(state);
			Sessions.closeNow(state.session, status);
			return;
		}
		try {
			state.session.close(status);
		}
		catch (Exception ex) {
			// Already gone
		}
	}

	private void releasePending(State state) {
		PendingHandshakes pending = this.pendingHandshakes;
		if (pending != null && state.pending.compareAndSet(true, false)) {
			pending.release();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		State state = (State) session.getAttributes().get(STATE_ATTRIBUTE);
		if (state != null && state.link != null) {
			// A link that was up fails: say why, the close that follows only gives a code
			logger.info("Transport error on the link with " + state.peerName + ": " + exception);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Transport error on peer link " + session.getRemoteAddress() + ": " + exception.getMessage());
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		State state = (State) session.getAttributes().get(STATE_ATTRIBUTE);
		if (state != null) {
			releasePending(state);
		}
		if (state != null && state.link != null) {
			this.context.inbox().linkDown(state.link, status);
		}
		if (this.dial != null) {
			this.dial.closed().complete(state != null && state.link != null);
		}
	}

	private static String truncate(String reason) {
		// A close frame's reason is limited to 123 bytes
		return (reason.length() > 100) ? reason.substring(0, 100) : reason;
	}

	/**
	 * What a handler needs from its node.
	 */
	record PeerContext(LocalNode localNode, PeerAuthenticator authenticator, EnvelopeCodec codec, Peers peers,
			PeerInbox inbox, ScheduledExecutorService scheduler, Duration handshakeTimeout, int maxFrameSize,
			int sendTimeLimitMillis, int sendBufferSizeLimit) {

	}

	private static final class State {

		private final WebSocketSession session;

		private final String localNonce;

		private volatile @Nullable String peerNonce;

		private volatile @Nullable String peerId;

		private volatile @Nullable String peerName;

		private volatile @Nullable PeerLink link;

		private volatile boolean closed;

		/**
		 * Whether this link is counted in the pending handshakes.
		 */
		private final AtomicBoolean pending;

		State(WebSocketSession session, String localNonce, boolean pending) {
			this.session = session;
			this.localNonce = localNonce;
			this.pending = new AtomicBoolean(pending);
		}

	}

}

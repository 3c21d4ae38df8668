package io.socketbox.spring.internal.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.RoundTripListener;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxMessageCounts;
import io.socketbox.spring.SocketBoxStatistics;
import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.MessageCounter;
import io.socketbox.spring.internal.OutboundText;
import io.socketbox.spring.internal.RemoteSessions;
import io.socketbox.spring.internal.SessionRouter;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * {@link SocketBoxMessaging} that delivers to local connections directly and to other
 * nodes through their {@link PeerChannel channels}. A broadcast is serialized once and
 * goes one hop to each peer, which delivers it locally and never forwards it. A direct
 * send goes only to the node named in the connection id, which replies with the outcome.
 */
public final class ClusterMessaging implements SocketBoxMessaging {

	private static final Log logger = LogFactory.getLog(ClusterMessaging.class);

	private static final int LINK_LOST = PeerChannel.LINK_LOST;

	static final int TIMED_OUT = -2;

	private static final int UNSENDABLE = -3;

	private static final int QUEUED = 1;

	private final LocalNode localNode;

	private final LocalConnections connections;

	private final Function<Object, String> payloadWriter;

	private final Peers peers;

	private final ReplyTimeouts replyTimeouts;

	private final PeerDrops drops;

	private final boolean debug;

	private final @Nullable ConnectionDirectory directory;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final Object sequenceLock = new Object();

	private long sequence;

	private final AtomicLong requestIds = new AtomicLong();

	private final AtomicLong userRequestsReceived = new AtomicLong();

	private final AtomicInteger forwarding = new AtomicInteger();

	private final MessageCounter counter = new MessageCounter();

	private volatile RoundTripListener roundTrips = RoundTripListener.NONE;

	private final Map<String, PendingReply> pendingReplies = new ConcurrentHashMap<>();

	ClusterMessaging(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter,
			Peers peers, ReplyTimeouts replyTimeouts, PeerDrops drops, boolean debug) {
		this(localNode, connections, payloadWriter, peers, replyTimeouts, drops, debug, null);
	}

	/**
	 * Create messaging that sends to a user only through the nodes the directory lists
	 * for that user; without a directory it asks every peer.
	 */
	ClusterMessaging(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter,
			Peers peers, ReplyTimeouts replyTimeouts, PeerDrops drops, boolean debug,
			@Nullable ConnectionDirectory directory) {
		this.directory = directory;
		this.localNode = localNode;
		this.connections = connections;
		this.payloadWriter = payloadWriter;
		this.peers = peers;
		this.replyTimeouts = replyTimeouts;
		this.drops = drops;
		this.debug = debug;
	}

	@Override
	public void broadcast(Object payload) {
		this.counter.broadcastSent();
		OutboundText message = toMessage(payload);
		// Peers first: queueing for them does not wait, and their connections need not
		// wait for every write to the connections of this node. The position numbers
		// this node's broadcasts, for sessions to resume from on any node
		this.connections.broadcast(message, (position) -> {
			if (!this.peers.all().isEmpty()) {
				sendToPeers(Envelope.broadcast(this.localNode.getId(), Long.toString(position), message.text()));
			}
		});
	}

	@Override
	public CompletableFuture<SendResult> send(String connectionId, Object payload) {
		this.counter.directSent();
		return sendTo(connectionId, payload);
	}

	/**
	 * Send to a connection wherever its id leads: this node, or another whose answer says
	 * whether it was taken.
	 */
	private CompletableFuture<SendResult> sendTo(String connectionId, Object payload) {
		String nodeId = nodeOf(connectionId);
		if (nodeId == null) {
			return CompletableFuture.completedFuture(SendResult.UNKNOWN_CONNECTION);
		}
		OutboundText message = toMessage(payload);
		if (nodeId.equals(this.localNode.getId())) {
			boolean sent = this.connections.send(connectionId, message);
			return CompletableFuture.completedFuture(sent ? SendResult.DELIVERED : SendResult.UNKNOWN_CONNECTION);
		}
		String id = nextRequestId();
		long start = System.nanoTime();
		return request(nodeId, Envelope.send(this.localNode.getId(), id, connectionId, message.text()))
			.thenApply((count) -> {
				if (count >= 0) {
					// Answered by the node that holds the connection
					this.roundTrips.directSend(System.nanoTime() - start);
				}
				return toSendResult(count);
			});
	}

	/**
	 * Return the node that holds a connection: this one for its own sessions, the heir of
	 * a session handed over, the home of a session whose client is connected here, the
	 * node in the id, or else the node the directory lists it on (a session handed over
	 * before this node started).
	 */
	@Nullable String nodeOf(String connectionId) {
		if (this.connections.hasSession(connectionId)) {
			return this.localNode.getId();
		}
		String next = nextHop(connectionId, null);
		if (next != null) {
			return next;
		}
		String nodeId = LocalNode.nodeIdOf(connectionId);
		if (nodeId != null && !nodeId.equals(this.localNode.getId()) && !this.peers.isReachable(nodeId)
				&& this.directory != null) {
			String listed = this.directory.nodeOfConnection(connectionId);
			if (listed != null) {
				return listed;
			}
		}
		return nodeId;
	}

	@Override
	public CompletableFuture<SendResult> send(SocketBoxConnection connection, Object payload) {
		if (!this.connections.holds(connection)) {
			// A client here of a session another node numbers (its home answers), a session
			// handed over, or a client that was here: wherever its id leads now
			return sendTo(connection.getId(), payload);
		}
		boolean sent = this.connections.send(connection, toMessage(payload));
		return CompletableFuture.completedFuture(sent ? SendResult.DELIVERED : SendResult.UNKNOWN_CONNECTION);
	}

	@Override
	public CompletableFuture<Integer> sendToUser(String user, Object payload) {
		this.counter.userSent();
		OutboundText message = toMessage(payload);
		int local = this.connections.sendToUser(user, message);
		List<CompletableFuture<Integer>> replies = new ArrayList<>();
		Set<String> holders = (this.directory != null) ? this.directory.nodesOf(user) : null;
		for (PeerChannel channel : this.peers.all()) {
			if (holders != null && !holders.contains(channel.peerId())) {
				continue;
			}
			replies.add(request(channel.peerId(), Envelope.user(this.localNode.getId(), nextRequestId(), user, message.text())));
		}
		return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
			.thenApply((ignored) -> local + replies.stream().mapToInt(CompletableFuture::join).filter((n) -> n > 0).sum());
	}

	@Override
	public Collection<SocketBoxConnection> getLocalConnections() {
		return this.connections.getAll();
	}

	@Override
	public SocketBoxStatistics getStatistics() {
		return this.connections.statistics(getDroppedMessages());
	}

	@Override
	public SocketBoxMessageCounts getMessageCounts() {
		return this.counter.counts();
	}

	/**
	 * Set what is told of the round trip of each direct send that another node confirms.
	 */
	void setRoundTripListener(RoundTripListener listener) {
		this.roundTrips = listener;
	}

	/**
	 * Return how many messages for other nodes were dropped because their links stayed
	 * down for longer than the resend window or their resend buffer was full.
	 * @return the number of dropped messages since start
	 */
	public long getDroppedMessages() {
		return this.drops.getDroppedMessages();
	}

	/**
	 * Return how many sends to a user other nodes asked this node to deliver.
	 * @return the number since start
	 */
	long getUserRequestsReceived() {
		return this.userRequestsReceived.get();
	}

	/**
	 * Number a directory frame and queue it for every peer, in the order of the calls.
	 */
	void replicate(Envelope envelope) {
		sendToPeers(envelope);
	}

	/**
	 * Number a directory frame and queue it for one peer.
	 * @return whether it was queued
	 */
	boolean replicateTo(String peerId, Envelope envelope) {
		return sendToPeer(peerId, envelope, null) == QUEUED;
	}

	/**
	 * Tell every peer that this node is leaving, after everything sent before.
	 */
	void leave() {
		sendToPeers(Envelope.leave(this.localNode.getId()));
	}

	/**
	 * Whether sends to sessions this node handed over are on their way to the heirs, their
	 * answers not yet queued for their senders.
	 */
	boolean isForwarding() {
		return this.forwarding.get() > 0;
	}

	/**
	 * Tell every peer which members this node has live links to.
	 */
	void gossip(String members) {
		sendToPeers(Envelope.members(this.localNode.getId(), members));
	}

	/**
	 * Handle a message from an authenticated peer, in the order the peer sent it: a
	 * broadcast, a direct send, a send to a user, or the reply to one of this node's
	 * direct sends.
	 */
	void onEnvelope(PeerLink link, Envelope envelope) {
		if (this.debug) {
			logger.info("Received " + envelope.type() + " " + envelope.id() + " from " + link.peerName()
					+ ((envelope.target() != null) ? " for " + envelope.target() : ""));
		}
		switch (envelope.type()) {
			case Envelope.BROADCAST -> {
				this.counter.broadcastReceived();
				long position = broadcastPosition(envelope);
				if (position < 1) {
					link.close(CloseStatus.POLICY_VIOLATION
						.withReason("A broadcast without a position (a node of an older version?)"));
				}
				else if (envelope.payload() != null) {
					this.connections.broadcast(link.peerId(), position, OutboundText.of(envelope.payload()));
				}
			}
			case Envelope.SEND -> {
				this.counter.directReceived();
				boolean sent = envelope.target() != null && envelope.payload() != null
						&& this.connections.send(envelope.target(), OutboundText.of(envelope.payload()), link.peerId());
				String heir = (!sent && envelope.target() != null) ? nextHop(envelope.target(), link.peerId()) : null;
				if (heir != null && envelope.payload() != null) {
					// Handed to another node while this one stops, or a client here of a session
					// another node numbers: on to that node, and its answer back
					this.forwarding.incrementAndGet();
					request(heir, Envelope.send(this.localNode.getId(), nextRequestId(), envelope.target(),
							envelope.payload()))
						.thenAccept((count) -> reply(link, envelope, Math.max(0, count)))
						.whenComplete((ignored, ex) -> this.forwarding.decrementAndGet());
				}
				else {
					reply(link, envelope, sent ? 1 : 0);
				}
			}
			case Envelope.USER -> {
				this.userRequestsReceived.incrementAndGet();
				this.counter.userReceived();
				int count = (envelope.target() != null && envelope.payload() != null)
						? this.connections.sendToUser(envelope.target(), OutboundText.of(envelope.payload())) : 0;
				reply(link, envelope, count);
			}
			case Envelope.SESSION_ATTACH -> {
				long received = position(envelope.payload());
				if (envelope.target() == null || received < 0) {
					link.close(CloseStatus.POLICY_VIOLATION.withReason("A session attach without a session or position"));
				}
				else {
					this.connections.remoteSessions()
						.attach(link.peerId(), envelope.target(), received, (answer) -> reply(link, envelope, answer));
				}
			}
			case Envelope.SESSION_FRAME -> {
				if (envelope.target() != null && envelope.payload() != null) {
					this.connections.remoteSessions().relayed(link.peerId(), envelope.target(), envelope.payload());
				}
			}
			case Envelope.BROADCAST_HISTORY -> {
				String origin = envelope.target();
				var kept = HistoryBackfill.read(origin, envelope.payload());
				if (origin == null || kept == null) {
					link.close(CloseStatus.POLICY_VIOLATION.withReason("A malformed broadcast history"));
				}
				else {
					this.connections.backfill(origin, kept);
				}
			}
			case Envelope.SESSION_HANDLED -> {
				long seq = position(envelope.payload());
				if (envelope.target() == null || seq < 0) {
					link.close(CloseStatus.POLICY_VIOLATION.withReason("A session report without a session or seq"));
				}
				else {
					this.connections.remoteSessions().handled(link.peerId(), envelope.target(), seq);
				}
			}
			case Envelope.SESSION_DETACH -> {
				if (envelope.target() != null) {
					this.connections.remoteSessions()
						.detached(link.peerId(), envelope.target(), Integer.valueOf(1).equals(envelope.count()));
				}
			}
			case Envelope.SESSION_CLOSE -> {
				Integer code = envelope.count();
				if (envelope.target() != null) {
					CloseStatus status = (code != null && code >= 1000 && code <= 4999 && code != 1005 && code != 1006
							&& code != 1015) ? new CloseStatus(code, envelope.payload()) : CloseStatus.SERVER_ERROR;
					this.connections.remoteSessions().close(link.peerId(), envelope.target(), status);
					// Answered when asked, after what the close reported on the same channel
					reply(link, envelope, 1);
				}
			}
			case Envelope.SESSION_ADOPT -> {
				RemoteSessions.Adoption adoption = (envelope.target() != null)
						? SessionStates.read(envelope.target(), envelope.payload(), this.localNode.getId()) : null;
				if (adoption == null) {
					link.close(CloseStatus.POLICY_VIOLATION.withReason("A malformed session handover"));
				}
				else {
					// Answered once taken over: the old home then tells the client to reconnect
					reply(link, envelope, this.connections.remoteSessions().adopt(link.peerId(), adoption) ? 1 : 0);
				}
			}
			case Envelope.SESSION_MOVED -> {
				if (envelope.target() != null && envelope.payload() != null
						&& !envelope.payload().equals(this.localNode.getId())) {
					this.connections.route(envelope.target(), envelope.payload());
				}
			}
			case Envelope.REPLY -> {
				PendingReply pending = (envelope.id() != null) ? this.pendingReplies.get(envelope.id()) : null;
				if (pending != null && pending.peerId().equals(link.peerId()) && envelope.count() != null) {
					pending.future().complete(Math.max(0, envelope.count()));
				}
			}
			default -> link.close(CloseStatus.POLICY_VIOLATION.withReason("Unknown frame type " + envelope.type()));
		}
	}

	/**
	 * Return the position of a peer's broadcast among its broadcasts, carried in the
	 * frame's id.
	 * @return the position, or 0 if the id is not a positive number
	 */
	private static long broadcastPosition(Envelope envelope) {
		return Math.max(0, position(envelope.id()));
	}

	/**
	 * Read a position a peer wrote in decimal.
	 * @return the position, or -1 if it is not one
	 */
	private static long position(@Nullable String text) {
		if (text == null || text.isEmpty() || text.length() > 18
				|| !text.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return -1;
		}
		return Long.parseLong(text);
	}

	/**
	 * A peer left: sessions it handed over stop holding other senders' messages.
	 */
	void peerLeft(String peerId) {
		this.connections.remoteSessions().left(peerId);
	}

	/**
	 * Ask a session's home to relay the session here.
	 * @return the home's answer, or {@link SessionRouter#UNKNOWN} if there was none
	 */
	CompletableFuture<Integer> attachSession(String home, String sessionId, long received) {
		return request(home, Envelope.sessionAttach(this.localNode.getId(), nextRequestId(), sessionId, received))
			.thenApply((answer) -> (answer > 0) ? answer : SessionRouter.UNKNOWN);
	}

	/**
	 * Close the connection of one of this node's sessions on a peer, as superseded by a
	 * newer one.
	 * @return completed once the peer has closed it and said how far it handled the
	 * client's messages, or has not answered within the reply timeout
	 */
	CompletableFuture<Integer> supersedeSession(String peerId, String sessionId, CloseStatus status) {
		return request(peerId, Envelope.sessionClose(this.localNode.getId(), nextRequestId(), sessionId,
				status.getCode(), (status.getReason() != null) ? status.getReason() : ""));
	}

	/**
	 * Hand a session of this node to a peer, as this node stops.
	 * @return completed once the heir has taken it over (1), refused it (0) or did not
	 * answer
	 */
	CompletableFuture<Integer> handOverSession(String heir, String sessionId, String state) {
		return request(heir, Envelope.sessionAdopt(this.localNode.getId(), nextRequestId(), sessionId, state));
	}

	/**
	 * Queue a session frame for one peer; one it cannot take is left out, and the
	 * client sees the skip in the numbers.
	 */
	void queueSessionFrame(String peerId, Envelope envelope) {
		sendToPeer(peerId, envelope, null);
	}

	private void reply(PeerLink link, Envelope request, int count) {
		if (request.id() != null) {
			sendToPeer(link.peerId(), Envelope.reply(this.localNode.getId(), request.id(), count), null);
		}
	}

	private CompletableFuture<Integer> request(String peerId, Envelope envelope) {
		String id = envelope.id();
		CompletableFuture<Integer> future = new CompletableFuture<>();
		this.pendingReplies.put(id, new PendingReply(peerId, future));
		future.whenComplete((count, ex) -> this.pendingReplies.remove(id));
		this.replyTimeouts.add(future, TIMED_OUT);
		if (this.debug) {
			logger.info("Sending " + envelope.type() + " " + id + " to " + peerId + " for " + envelope.target());
		}
		int queued = sendToPeer(peerId, envelope, future);
		if (queued != QUEUED) {
			future.complete(queued);
		}
		return future;
	}

	/**
	 * Number a frame and queue it for one peer, as a direct send does.
	 * @param peerId the peer
	 * @param envelope the frame
	 * @param reply completed with {@link PeerChannel#LINK_LOST} if the peer becomes
	 * unreachable before it acknowledges the frame, or {@code null}
	 * @return {@code true} if queued, {@code false} if the peer is unreachable
	 * @throws UnsendableFrameException if the frame is larger than peers accept (or
	 * cannot be encoded); it was counted as dropped
	 */
	boolean queue(String peerId, Envelope envelope, @Nullable CompletableFuture<Integer> reply) {
		int queued = sendToPeer(peerId, envelope, reply);
		if (queued == UNSENDABLE) {
			throw new UnsendableFrameException();
		}
		return queued == QUEUED;
	}

	/**
	 * Number a frame and queue it for every peer, as a broadcast is, but refuse it if it
	 * is larger than peers accept.
	 * @param envelope the frame
	 * @return the ids of the peers whose channel took it: linked, or down for less than
	 * the resend window
	 * @throws UnsendableFrameException if the frame is larger than peers accept (or
	 * cannot be encoded); it was counted as dropped and queued for nobody
	 */
	Set<String> queueForAll(Envelope envelope) {
		synchronized (this.sequenceLock) {
			PeerChannel.Outbound outbound = number(envelope, null);
			if (outbound == null) {
				throw new UnsendableFrameException();
			}
			Set<String> queued = new TreeSet<>();
			for (PeerChannel channel : this.peers.all()) {
				boolean expired = channel.state() == PeerChannel.State.EXPIRED;
				// Queued even then, to be counted as dropped as a broadcast is
				channel.enqueue(outbound);
				if (!expired) {
					queued.add(channel.peerId());
				}
			}
			return queued;
		}
	}

	/**
	 * Number a frame once and queue it for some peers, as a broadcast is for each: a
	 * channel that is down keeps it for the resend window, one that has given up counts
	 * it as dropped. A frame larger than peers accept is counted as dropped and queued
	 * for nobody.
	 * @param peerIds the peers
	 * @param envelope the frame
	 * @return how many of the peers have a channel that took it
	 */
	int queueForEach(Collection<String> peerIds, Envelope envelope) {
		synchronized (this.sequenceLock) {
			PeerChannel.Outbound outbound = number(envelope, null);
			if (outbound == null) {
				return 0;
			}
			int queued = 0;
			for (String peerId : peerIds) {
				PeerChannel channel = this.peers.get(peerId);
				if (channel != null && channel.enqueue(outbound)) {
					queued++;
				}
			}
			return queued;
		}
	}

	/**
	 * Number a frame and queue it for one peer, as a broadcast is for each, but refuse
	 * it if it is larger than peers accept.
	 * @param peerId the peer
	 * @param envelope the frame
	 * @return whether the peer's channel took it: linked, or down for less than the
	 * resend window
	 * @throws UnsendableFrameException if the frame is larger than peers accept (or
	 * cannot be encoded); it was counted as dropped
	 */
	boolean queueFor(String peerId, Envelope envelope) {
		synchronized (this.sequenceLock) {
			PeerChannel.Outbound outbound = number(envelope, null);
			if (outbound == null) {
				throw new UnsendableFrameException();
			}
			PeerChannel channel = this.peers.get(peerId);
			if (channel == null || channel.state() == PeerChannel.State.EXPIRED) {
				return false;
			}
			return channel.enqueue(outbound);
		}
	}

	/**
	 * Number a frame and queue it for every peer. Numbering and queueing happen under
	 * one lock so that every channel sees increasing sequence numbers.
	 */
	private void sendToPeers(Envelope envelope) {
		synchronized (this.sequenceLock) {
			PeerChannel.Outbound outbound = number(envelope, null);
			if (outbound != null) {
				for (PeerChannel channel : this.peers.all()) {
					channel.enqueue(outbound);
				}
			}
		}
	}

	/**
	 * Number a frame and queue it for one peer.
	 * @return {@link #QUEUED}, {@link #LINK_LOST} or {@link #UNSENDABLE}
	 */
	private int sendToPeer(String peerId, Envelope envelope, @Nullable CompletableFuture<Integer> reply) {
		PeerChannel channel = this.peers.get(peerId);
		if (channel == null) {
			return LINK_LOST;
		}
		synchronized (this.sequenceLock) {
			PeerChannel.Outbound outbound = number(envelope, reply);
			if (outbound == null) {
				return UNSENDABLE;
			}
			return channel.enqueue(outbound) ? QUEUED : LINK_LOST;
		}
	}

	/**
	 * Give a frame the next sequence number and encode it, under the sequence lock. A
	 * frame that cannot be encoded, or that is larger than a peer accepts, is dropped and
	 * counted, never queued and never numbered, so it can never be sent again (a peer
	 * would close the link on it, every time).
	 * @return the frame, or {@code null} if it was dropped
	 */
	private PeerChannel.@Nullable Outbound number(Envelope envelope, @Nullable CompletableFuture<Integer> reply) {
		long sequence = this.sequence + 1;
		OutboundText frame;
		try {
			frame = this.codec.encode(envelope.withSequence(sequence));
		}
		catch (RuntimeException ex) {
			this.drops.unencodable(envelope.type(), ex);
			return null;
		}
		if (this.drops.isOversized(frame.text().length())) {
			this.drops.oversized(envelope.type(), frame.text().length());
			return null;
		}
		this.sequence = sequence;
		return new PeerChannel.Outbound(sequence, new TextMessage(frame.text()), frame.size(), reply,
				Envelope.MEMBERS.equals(envelope.type()));
	}

	/**
	 * Return where a send to a connection that this node does not hold goes on to: the
	 * heir of a session handed over, or the home of a session whose client is connected
	 * here (unless the send came from that home).
	 * @param fromNode the node the send came from, or {@code null} for this node
	 */
	private @Nullable String nextHop(String connectionId, @Nullable String fromNode) {
		String heir = this.connections.routeOf(connectionId);
		if (heir != null) {
			return heir;
		}
		String home = this.connections.homeOfClient(connectionId);
		return (home != null && !home.equals(fromNode)) ? home : null;
	}

	private static SendResult toSendResult(int count) {
		return switch (count) {
			case LINK_LOST -> SendResult.NODE_UNREACHABLE;
			case TIMED_OUT -> SendResult.TIMED_OUT;
			case UNSENDABLE -> SendResult.UNSENDABLE;
			case 0 -> SendResult.UNKNOWN_CONNECTION;
			default -> SendResult.DELIVERED;
		};
	}

	private OutboundText toMessage(Object payload) {
		return OutboundText.ofPayload(payload, this.payloadWriter);
	}

	private String nextRequestId() {
		return this.localNode.getId() + "-" + this.requestIds.incrementAndGet();
	}

	/**
	 * Thrown by {@link #queue} for a frame larger than peers accept, or one that cannot
	 * be encoded.
	 */
	static final class UnsendableFrameException extends RuntimeException {

		UnsendableFrameException() {
			super("larger than socketbox.cluster.max-frame-size in its frame", null, false, false);
		}

	}

	private record PendingReply(String peerId, CompletableFuture<Integer> future) {

	}

}

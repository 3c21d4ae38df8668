package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.OutboundText;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * Everything this node exchanges with one peer, across the links that come and go.
 * <p>
 * Outbound, every data frame carries a sequence number and stays buffered until the
 * peer acknowledges it, so that frames sent on a link that breaks are sent again, in
 * order, on the next link. While there is no link, new frames wait in the same buffer.
 * Requests (direct sends, cluster calls) fail once the peer has been silent for the
 * heartbeat timeout, or is gone, those it acknowledged but has not answered included;
 * everything else is dropped, and counted, only when the link stays down for the resend
 * window or the buffer outgrows its limit. Of the dropped frames, those already written
 * to the lost link may have arrived: they count once the peer's acknowledgement on the
 * next link shows that they did not (or once the peer is gone), so the count is exact.
 * <p>
 * Inbound, frames whose sequence number was already delivered (sent again after a
 * resume) are skipped, and a link whose sequence numbers go backwards is closed.
 * <p>
 * One drain task at a time writes to the link, on the executor, so that a slow peer
 * holds up neither the sender nor other peers. Frames that queued up while it wrote go
 * together in the next write (see {@link PeerFrames}), so a busy link costs one write
 * for many frames and an idle one adds no delay. Heartbeats and acknowledgements go the
 * same way: the thread that reads a link never waits to write to it, so two nodes that
 * both fall behind cannot stop each other's reading.
 */
final class PeerChannel {

	private static final Log logger = LogFactory.getLog(PeerChannel.class);

	/**
	 * What the reply of a request completes with when the peer is unreachable: the
	 * request was not, or may not have been, delivered.
	 */
	static final int LINK_LOST = -1;

	/**
	 * How many writes in a row that fail with the same first frame make a warning.
	 */
	static final int REPEATED_FAILURES = 3;

	/**
	 * More than a heartbeat takes in a frame, separator included.
	 */
	static final int HEARTBEAT_ROOM = 256;

	private final String peerId;

	private volatile String peerName;

	private final Settings settings;

	private final Executor executor;

	private final PeerDrops drops;

	private final Heartbeats heartbeats;

	private final Object lock = new Object();

	private final ArrayDeque<Outbound> unsent = new ArrayDeque<>();

	private final ArrayDeque<Outbound> unacknowledged = new ArrayDeque<>();

	/**
	 * The replies of requests that the peer acknowledged but has not answered yet: they
	 * fail too if the peer becomes unreachable, rather than wait for their timeout.
	 */
	private final Set<CompletableFuture<Integer>> awaitingReply = ConcurrentHashMap.newKeySet();

	private long bufferedBytes;

	private @Nullable PeerLink link;

	private State state = State.DOWN;

	private long downSince = System.nanoTime();

	private boolean draining;

	private boolean heartbeatDue;

	/**
	 * Whether the next heartbeat asks the peer to echo its time of writing.
	 */
	private boolean pingDue;

	/**
	 * The peer's ping that the next heartbeat echoes, or {@code null}.
	 */
	private @Nullable Long pendingPong;

	/** Guarded by {@link #lock}: the last ping sent, until its pong arrives. */
	private @Nullable Long outstandingPing;

	private volatile long lastRoundTripNanos = -1;

	private long droppedInOutage;

	private long highestWritten;

	private final ArrayDeque<Long> unconfirmedAtExpiry = new ArrayDeque<>();

	private long failedFrame = -1;

	private int failuresOnFrame;

	private @Nullable CloseStatus closeWhenWritten;

	private long linksLost;

	private final Object receiveLock = new Object();

	/**
	 * Written under the receive lock, read without it, so that a heartbeat never waits
	 * for a delivery that is writing to a slow client.
	 */
	private volatile long lastReceivedSequence;

	private final AtomicInteger receivedSinceAcknowledgement = new AtomicInteger();

	/**
	 * Create a channel.
	 * @param peerId the id of the peer
	 * @param peerName the name of the peer
	 * @param settings timing and limits
	 * @param executor runs the drain task
	 * @param drops counts and reports dropped frames
	 * @param heartbeats creates the heartbeat frame that acknowledges a sequence number
	 */
	PeerChannel(String peerId, String peerName, Settings settings, Executor executor, PeerDrops drops,
			Heartbeats heartbeats) {
		this.peerId = peerId;
		this.peerName = peerName;
		this.settings = settings;
		this.executor = executor;
		this.drops = drops;
		this.heartbeats = heartbeats;
	}

	String peerId() {
		return this.peerId;
	}

	String peerName() {
		return this.peerName;
	}

	State state() {
		synchronized (this.lock) {
			return this.state;
		}
	}

	@Nullable PeerLink link() {
		synchronized (this.lock) {
			return this.link;
		}
	}

	/**
	 * Queue a data frame for the peer.
	 * @param outbound the frame
	 * @return whether the frame was taken; a request is refused once the peer is
	 * unreachable
	 */
	boolean enqueue(Outbound outbound) {
		boolean drain;
		synchronized (this.lock) {
			if (outbound.reply() != null && (this.state == State.UNREACHABLE || this.state == State.EXPIRED)) {
				return false;
			}
			if (this.state == State.EXPIRED
					|| this.bufferedBytes + outbound.size() > this.settings.bufferLimitBytes()) {
				if (outbound.reply() != null) {
					return false;
				}
				if (!outbound.expendable()) {
					dropped(1, (this.state == State.EXPIRED) ? "link down for longer than the resend window"
							: "resend buffer full");
				}
				return true;
			}
			this.unsent.add(outbound);
			this.bufferedBytes += outbound.size();
			drain = this.state == State.UP && !this.draining;
			this.draining |= drain;
		}
		if (drain) {
			this.executor.execute(this::drain);
		}
		return true;
	}

	private void drain() {
		List<Outbound> batch = new ArrayList<>();
		boolean heartbeatAlone = false;
		while (true) {
			PeerLink current;
			boolean heartbeat;
			CloseStatus closeNow = null;
			synchronized (this.lock) {
				current = this.link;
				heartbeat = this.heartbeatDue;
				boolean data = !heartbeatAlone && takeBatch(batch);
				if (current == null || (!data && !heartbeat)) {
					this.draining = false;
					if (current == null || this.closeWhenWritten == null) {
						return;
					}
					closeNow = this.closeWhenWritten;
				}
				else {
					// A heartbeat that would take the frame past the peer's limit goes next, alone
					heartbeatAlone = heartbeat && !batch.isEmpty()
							&& PeerFrames.length(batch) + HEARTBEAT_ROOM > this.settings.maxFrameSize();
					this.heartbeatDue = heartbeatAlone;
				}
			}
			if (closeNow != null) {
				current.close(closeNow);
				return;
			}
			boolean withHeartbeat = heartbeat && !heartbeatAlone;
			if (!current.send(PeerFrames.join(batch, withHeartbeat ? heartbeat() : null))) {
				// The link closed; what it did not confirm goes again on the next one, but
				// for frames that can never be encoded. If that one came up while this
				// send failed, its resend is up to this task
				sendFailed(batch);
				synchronized (this.lock) {
					if (this.link == null || this.link == current) {
						this.draining = false;
						return;
					}
				}
			}
			batch.clear();
		}
	}

	/**
	 * A write of the given frames failed. Frames that are not valid Unicode cannot be
	 * encoded on any link: they are dropped now, never sent again. When writes keep
	 * failing on the same first frame, say so.
	 */
	private void sendFailed(List<Outbound> batch) {
		if (batch.isEmpty()) {
			// Only a heartbeat was written: nothing to drop, no frame to blame
			return;
		}
		List<Outbound> unsendable = batch.stream()
			.filter((frame) -> !OutboundText.isWellFormed(frame.message().getPayload()))
			.toList();
		int failures;
		synchronized (this.lock) {
			if (!unsendable.isEmpty()) {
				this.unacknowledged.removeAll(unsendable);
				this.unsent.removeAll(unsendable);
				unsendable.forEach((frame) -> this.bufferedBytes -= frame.size());
			}
			long first = batch.get(0).sequence();
			this.failuresOnFrame = (this.failedFrame == first) ? this.failuresOnFrame + 1 : 1;
			this.failedFrame = first;
			failures = this.failuresOnFrame;
		}
		if (!unsendable.isEmpty()) {
			this.drops.unsendable(this, unsendable);
		}
		else if (failures == REPEATED_FAILURES) {
			logger.warn("Link to " + this + " failed " + failures + " times in a row before frame "
					+ batch.get(0).sequence() + " was confirmed; the frame is kept and sent again on the next link");
		}
	}

	/**
	 * Move the next frames that fit in one link frame from the unsent to the
	 * unacknowledged queue: under load several go in one write.
	 */
	private boolean takeBatch(List<Outbound> batch) {
		long size = 0;
		Outbound next;
		while ((next = this.unsent.peek()) != null
				&& (batch.isEmpty() || size + next.size() + 1 <= this.settings.batchLimitBytes())) {
			this.unsent.poll();
			this.unacknowledged.add(next);
			this.highestWritten = next.sequence();
			batch.add(next);
			size += next.size() + 1;
		}
		return !batch.isEmpty();
	}

	/**
	 * Take a link that has just been authenticated.
	 * @param newLink the link
	 * @param peerAcknowledged the highest sequence number the peer had received from
	 * this node when the link was set up
	 */
	void linkUp(PeerLink newLink, long peerAcknowledged) {
		PeerLink previous;
		boolean drain;
		long dropped;
		synchronized (this.lock) {
			previous = this.link;
			this.link = newLink;
			this.peerName = newLink.peerName();
			this.state = State.UP;
			acknowledged(peerAcknowledged);
			long lost = this.unconfirmedAtExpiry.stream().filter((sequence) -> sequence > peerAcknowledged).count();
			this.unconfirmedAtExpiry.clear();
			if (lost > 0) {
				dropped(lost, "link down for longer than the resend window");
			}
			dropped = this.droppedInOutage;
			this.droppedInOutage = 0;
			// Whatever the peer did not confirm is sent again first, in order
			Iterator<Outbound> pending = this.unacknowledged.descendingIterator();
			while (pending.hasNext()) {
				this.unsent.addFirst(pending.next());
			}
			this.unacknowledged.clear();
			drain = !this.draining;
			this.draining = true;
		}
		if (previous != null && previous != newLink) {
			previous.close(CloseStatus.NORMAL.withReason("Replaced by a newer link"));
		}
		if (dropped > 0) {
			logger.warn("Link to " + this + " is back; " + dropped + " message(s) for it were dropped meanwhile");
		}
		if (drain) {
			this.executor.execute(this::drain);
		}
	}

	/**
	 * Forget a link that has closed.
	 * @return whether it was the current link
	 */
	boolean linkDown(PeerLink closed) {
		long now = System.nanoTime();
		synchronized (this.lock) {
			if (this.link != closed) {
				return false;
			}
			this.link = null;
			this.state = State.DOWN;
			this.linksLost++;
			// The outage began when the peer fell silent: a link closed for silence has
			// been dead for the heartbeat timeout already
			long lastHeard = closed.lastReceivedAt();
			this.downSince = (now - lastHeard > 0) ? lastHeard : now;
		}
		checkOutage(now);
		return true;
	}

	/**
	 * Return how long after the given time the outage of this channel moves to
	 * {@link State#UNREACHABLE} and to {@link State#EXPIRED}.
	 */
	long[] nanosUntilOutageDeadlines(long now) {
		synchronized (this.lock) {
			long down = now - this.downSince;
			return new long[] { this.settings.heartbeatTimeout().toNanos() - down,
					this.settings.resendWindow().toNanos() - down };
		}
	}

	/**
	 * The peer confirmed every frame up to a sequence number.
	 */
	void acknowledged(long sequence) {
		synchronized (this.lock) {
			while (!this.unacknowledged.isEmpty() && this.unacknowledged.peek().sequence() <= sequence) {
				acknowledged(this.unacknowledged.poll());
			}
			while (!this.unsent.isEmpty() && this.unsent.peek().sequence() <= sequence) {
				acknowledged(this.unsent.poll());
			}
		}
	}

	private void acknowledged(Outbound outbound) {
		this.bufferedBytes -= outbound.size();
		CompletableFuture<Integer> reply = outbound.reply();
		if (reply != null && !reply.isDone()) {
			this.awaitingReply.add(reply);
			reply.whenComplete((count, ex) -> this.awaitingReply.remove(reply));
		}
	}

	/**
	 * Accept an inbound data frame for delivery.
	 * @param from the link it arrived on
	 * @param sequence its sequence number
	 * @param delivery delivers the frame; run under the receive lock, so in order
	 * @return {@code false} if the frame broke the order of its link, which must then
	 * be closed
	 */
	boolean receive(PeerLink from, long sequence, Runnable delivery) {
		boolean acknowledge;
		synchronized (this.receiveLock) {
			if (!from.advance(sequence)) {
				return false;
			}
			if (sequence <= this.lastReceivedSequence) {
				// Sent again after a resume, and already delivered from the old link
				return true;
			}
			this.lastReceivedSequence = sequence;
			delivery.run();
			acknowledge = this.receivedSinceAcknowledgement.incrementAndGet() >= this.settings.acknowledgeEvery();
		}
		if (acknowledge) {
			requestHeartbeat();
		}
		return true;
	}

	long lastReceivedSequence() {
		return this.lastReceivedSequence;
	}

	/**
	 * Check liveness and timeouts; called every heartbeat interval.
	 */
	void tick(long now) {
		PeerLink current = link();
		if (current == null) {
			checkOutage(now);
		}
		else if (now - current.lastReceivedAt() > this.settings.heartbeatTimeout().toNanos()) {
			current.close(CloseStatus.SESSION_NOT_RELIABLE.withReason("No heartbeat within "
					+ this.settings.heartbeatTimeout()));
		}
		else {
			synchronized (this.lock) {
				this.pingDue = true;
			}
			requestHeartbeat();
		}
	}

	/**
	 * A heartbeat arrived from the peer: answer its ping with the next heartbeat, and
	 * measure the round trip that its pong completes, on this node's clock only.
	 * @param ping the peer's time of writing, to echo, or {@code null}
	 * @param pong the echo of this node's time of writing, or {@code null}; anything but
	 * the echo of this node's last ping is ignored
	 * @param now the time the heartbeat was read
	 * @return the round trip in nanoseconds, or {@code -1} if the heartbeat completes none
	 */
	long heartbeatReceived(@Nullable Long ping, @Nullable Long pong, long now) {
		if (ping != null) {
			synchronized (this.lock) {
				this.pendingPong = ping;
			}
			requestHeartbeat();
		}
		if (pong == null) {
			return -1;
		}
		synchronized (this.lock) {
			// Only the echo of this node's own last ping, once: a peer cannot make up a time
			if (!pong.equals(this.outstandingPing)) {
				return -1;
			}
			this.outstandingPing = null;
		}
		this.lastRoundTripNanos = now - pong;
		return this.lastRoundTripNanos;
	}

	/**
	 * Return the round trip of the last periodic heartbeat that the peer answered.
	 * @return the time in nanoseconds, or {@code -1} if none was answered yet
	 */
	long lastRoundTripNanos() {
		return this.lastRoundTripNanos;
	}

	/**
	 * Return how many bytes of frames wait for the peer: unsent, or sent and not yet
	 * acknowledged.
	 * @return the size of the resend buffer in bytes
	 */
	long bufferedBytes() {
		synchronized (this.lock) {
			return this.bufferedBytes;
		}
	}

	/**
	 * Move a channel without a link on to unreachable and expired as its outage lasts.
	 */
	private void checkOutage(long now) {
		List<CompletableFuture<Integer>> failedRequests = null;
		long dropped = 0;
		synchronized (this.lock) {
			if (this.link != null) {
				return;
			}
			long down = now - this.downSince;
			if (this.state == State.DOWN && down > this.settings.heartbeatTimeout().toNanos()) {
				this.state = State.UNREACHABLE;
				failedRequests = removeRequests();
			}
			if (this.state == State.UNREACHABLE && down > this.settings.resendWindow().toNanos()) {
				this.state = State.EXPIRED;
				// Frames written to a lost link may have arrived: the peer's acknowledgement
				// on the next link tells, so only those never written count as dropped now
				dropped = expire(this.unacknowledged) + expire(this.unsent);
				this.unsent.clear();
				this.unacknowledged.clear();
				this.bufferedBytes = 0;
			}
		}
		if (failedRequests != null) {
			logger.warn("Peer " + this + " unreachable for " + this.settings.heartbeatTimeout()
					+ "; failing sends to its connections until it is back");
			failedRequests.forEach((reply) -> reply.complete(LINK_LOST));
		}
		if (dropped > 0) {
			synchronized (this.lock) {
				dropped(dropped, "link down for longer than the resend window");
			}
		}
	}

	private long expire(ArrayDeque<Outbound> queue) {
		long neverWritten = 0;
		for (Outbound outbound : queue) {
			if (outbound.expendable()) {
				continue;
			}
			if (outbound.sequence() <= this.highestWritten) {
				this.unconfirmedAtExpiry.add(outbound.sequence());
			}
			else {
				neverWritten++;
			}
		}
		return neverWritten;
	}

	/**
	 * Forget this channel because the peer is gone: frames that were written to a lost
	 * link and never confirmed will not be confirmed now, so they count as dropped.
	 */
	void discard() {
		List<CompletableFuture<Integer>> failedRequests;
		synchronized (this.lock) {
			if (!this.unconfirmedAtExpiry.isEmpty()) {
				dropped(this.unconfirmedAtExpiry.size(), "peer gone before confirming what it was sent");
				this.unconfirmedAtExpiry.clear();
			}
			failedRequests = removeRequests();
		}
		failedRequests.forEach((reply) -> reply.complete(LINK_LOST));
	}

	/**
	 * Have the drain task send a heartbeat, which acknowledges what was received so far,
	 * with its next write.
	 */
	private void requestHeartbeat() {
		boolean drain;
		synchronized (this.lock) {
			if (this.link == null) {
				return;
			}
			this.heartbeatDue = true;
			drain = !this.draining;
			this.draining = true;
		}
		if (drain) {
			this.executor.execute(this::drain);
		}
	}

	/**
	 * Confirm everything received so far, then close the link once the drain task has
	 * written that confirmation and what was queued before it: the peer is leaving, and
	 * waits for the confirmation before it closes the link itself.
	 * @param status the status to close the link with
	 */
	void closeOnceConfirmed(CloseStatus status) {
		synchronized (this.lock) {
			this.closeWhenWritten = status;
		}
		requestHeartbeat();
	}

	/**
	 * Return how many times the current link of this channel was lost, for tests that
	 * must see every loss, even of a link that came back between two looks.
	 */
	long linksLost() {
		synchronized (this.lock) {
			return this.linksLost;
		}
	}

	private TextMessage heartbeat() {
		this.receivedSinceAcknowledgement.set(0);
		Long ping = null;
		Long pong;
		synchronized (this.lock) {
			if (this.pingDue) {
				this.pingDue = false;
				ping = System.nanoTime();
				this.outstandingPing = ping;
			}
			pong = this.pendingPong;
			this.pendingPong = null;
		}
		return this.heartbeats.create(this.lastReceivedSequence, ping, pong);
	}

	private List<CompletableFuture<Integer>> removeRequests() {
		List<CompletableFuture<Integer>> requests = new ArrayList<>(this.awaitingReply);
		this.awaitingReply.clear();
		removeRequests(this.unsent, requests);
		removeRequests(this.unacknowledged, requests);
		return requests;
	}

	private void removeRequests(ArrayDeque<Outbound> queue, List<CompletableFuture<Integer>> requests) {
		Iterator<Outbound> iterator = queue.iterator();
		while (iterator.hasNext()) {
			Outbound outbound = iterator.next();
			if (outbound.reply() != null) {
				requests.add(outbound.reply());
				this.bufferedBytes -= outbound.size();
				iterator.remove();
			}
		}
	}

	/**
	 * Whether the peer has confirmed every queued frame, or there is no link on which it
	 * could. Written is not enough: a link closed while the peer still reads can lose
	 * what the socket held.
	 */
	boolean isConfirmed() {
		synchronized (this.lock) {
			return this.link == null || (this.unsent.isEmpty() && this.unacknowledged.isEmpty());
		}
	}

	private void dropped(long count, String reason) {
		boolean first = this.droppedInOutage == 0;
		this.droppedInOutage += count;
		this.drops.dropped(this, count, reason, first);
	}

	@Override
	public String toString() {
		return this.peerName + " (" + this.peerId + ")";
	}

	/**
	 * Creates the heartbeat frames of a channel.
	 */
	@FunctionalInterface
	interface Heartbeats {

		/**
		 * Create a heartbeat.
		 * @param acknowledged the highest sequence number received from the peer
		 * @param ping this node's time of writing, for the peer to echo, or {@code null}
		 * @param pong the peer's ping to echo, or {@code null}
		 * @return the frame
		 */
		TextMessage create(long acknowledged, @Nullable Long ping, @Nullable Long pong);

	}

	/**
	 * The states of a channel.
	 */
	enum State {

		/**
		 * A link is up.
		 */
		UP,

		/**
		 * No link, and the peer silent for less than the heartbeat timeout: everything is
		 * buffered.
		 */
		DOWN,

		/**
		 * No link, and the peer silent for longer than the heartbeat timeout: requests fail
		 * at once, other frames are buffered.
		 */
		UNREACHABLE,

		/**
		 * No link, and the peer silent for longer than the resend window: frames are
		 * dropped and counted.
		 */
		EXPIRED

	}

	/**
	 * A data frame on its way to the peer.
	 *
	 * @param sequence its sequence number
	 * @param message the frame
	 * @param size its size, for the buffer limit
	 * @param reply the reply that a request waits for, completed with
	 * {@link #LINK_LOST} if the peer becomes unreachable first, or {@code null}
	 * @param expendable whether a later frame of its kind replaces it (member gossip): it
	 * is sent, and sent again, like any other, but never counted as dropped, so that the
	 * count is that of the application's messages
	 */
	record Outbound(long sequence, TextMessage message, int size, @Nullable CompletableFuture<Integer> reply,
			boolean expendable) {

		Outbound(long sequence, TextMessage message, int size, @Nullable CompletableFuture<Integer> reply) {
			this(sequence, message, size, reply, false);
		}

	}

	/**
	 * Timing and limits of a channel.
	 *
	 * @param heartbeatTimeout how long a link may stay silent before it is closed, and a
	 * peer without a link before its requests fail
	 * @param resendWindow how long frames wait for a link to come back
	 * @param bufferLimitBytes the most that may wait for the peer
	 * @param acknowledgeEvery acknowledge received frames at least this often, besides
	 * every heartbeat
	 * @param batchLimitBytes the most that queued frames may add up to in one write
	 * @param maxFrameSize the largest frame the peer accepts
	 */
	record Settings(Duration heartbeatTimeout, Duration resendWindow, long bufferLimitBytes, int acknowledgeEvery,
			int batchLimitBytes, int maxFrameSize) {

	}

}

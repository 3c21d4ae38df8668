package io.socketbox.spring.internal;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * The outbound queue of one connection, and its only writer. Senders (a broadcast, a
 * direct send, the thread that reads a peer link, a REST request) add a message and
 * return; one write at a time runs on the container's asynchronous send, and what
 * queued meanwhile leaves when it completes, so order is kept and no sender ever waits
 * for the client. A write to an idle connection starts on one of the node's writer
 * threads, never on the sender's, and the write after it on the thread that completed
 * it. A message to a connection with no write in progress leaves at once;
 * messages that queued behind a write leave together in the next one where the
 * {@link TextSender#batches() sender can}, one by one otherwise.
 * <p>
 * The queue is bounded, as Spring's {@code ConcurrentWebSocketSessionDecorator} bounds
 * its buffer: a message that would make more than the send buffer size limit wait, or
 * that arrives while a write has taken longer than the send time limit, cuts the
 * connection off instead (as does a write that fails or that the container times out).
 * Messages from elsewhere in the cluster are held until the application's
 * {@code onConnect} has returned, so that what it sends arrives first.
 * <p>
 * A write completes once the kernel has taken the bytes, and a socket's send buffer may
 * take megabytes before a write to a client that stopped reading waits, so the time
 * limit of a write alone would cut such a client long after its last read. While data
 * flows, therefore, the writer puts a ping with a random payload of its own after what
 * it wrote, at most once per {@link Limits#pingIntervalNanos() ping interval}, where the
 * sender {@link TextSender#pings() can}: a client that has not answered it with the same
 * payload in a pong {@link #checkReadLiveness() within the send time limit} of its last
 * pong is cut off as if a write had exceeded that limit. An idle connection gets no
 * ping.
 */
final class ConnectionOutbox {

	/** The writer's next step is a ping, not messages (compared by identity). */
	private static final List<OutboundText> PING = new ArrayList<>(0);

	private final LocalConnection connection;

	private final TextSender sender;

	private final Limits limits;

	private final Listener listener;

	private final Executor writers;

	private final Object lock = new Object();

	private @Nullable ArrayDeque<OutboundText> queue;

	private long queuedBytes;

	private @Nullable ArrayDeque<OutboundText> held;

	private boolean open;

	private boolean writing;

	private long writeStartedAt;

	private boolean closed;

	private @Nullable CloseStatus closeWhenWritten;

	private boolean abortWhenWritten;

	/** Messages were written since the last ping, so a ping may follow them. */
	private boolean dataWrittenSincePing;

	/** Written by the writer and a pong under the lock; read by the timer without it. */
	private volatile boolean pingOutstanding;

	private long pingPayload;

	private long pingSentAt;

	private long lastPongAt;

	ConnectionOutbox(LocalConnection connection, TextSender sender, Executor writers, Limits limits,
			Listener listener) {
		this.connection = connection;
		this.sender = sender;
		this.writers = writers;
		this.limits = limits;
		this.listener = listener;
		long now = System.nanoTime();
		// The first ping follows an interval of traffic, so that a short-lived connection gets none
		this.pingSentAt = now;
		this.lastPongAt = now;
	}

	TextSender sender() {
		return this.sender;
	}

	/**
	 * Queue a message after everything queued before it.
	 * @return whether the message was taken; {@code false} if the connection is closed
	 * or was cut off by this message
	 */
	boolean send(OutboundText message) {
		return offer(message, false);
	}

	/**
	 * Queue a message from elsewhere: held until {@link #open()} if that has not been
	 * called yet.
	 * @return whether the message was taken
	 */
	boolean deliver(OutboundText message) {
		return offer(message, true);
	}

	private boolean offer(OutboundText message, boolean holdUntilOpen) {
		OutboundText first = null;
		CutReason cut = null;
		boolean abort = false;
		synchronized (this.lock) {
			if (this.closed || this.closeWhenWritten != null) {
				return false;
			}
			boolean hold = holdUntilOpen && !this.open;
			long now = System.nanoTime();
			if (this.writing && now - this.writeStartedAt > this.limits.sendTimeLimitNanos()) {
				cut = CutReason.SEND_TIME_LIMIT;
			}
			else if (readLivenessExpired(now)) {
				cut = CutReason.READ_LIVENESS;
			}
			else if ((this.writing || hold) && this.queuedBytes + message.size() > this.limits.bufferLimitBytes()) {
				cut = CutReason.SEND_BUFFER_LIMIT;
			}
			else if (hold) {
				held().add(message);
				this.queuedBytes += message.size();
			}
			else if (this.writing) {
				queue().add(message);
				this.queuedBytes += message.size();
			}
			else {
				first = message;
				startWrite();
			}
			if (cut != null) {
				abort = cutOffLocked();
			}
		}
		if (cut != null) {
			this.listener.cut(this.connection, cut, null, abort);
			return false;
		}
		if (first != null) {
			start(List.of(first));
		}
		return true;
	}

	/**
	 * Record a pong from the client: if it echoes the payload of the ping outstanding,
	 * the client has read everything written before that ping. Other pongs (unsolicited,
	 * or answers to an older ping) count for nothing.
	 * @param payload the pong's payload
	 */
	void pong(ByteBuffer payload) {
		if (payload.remaining() != Long.BYTES) {
			return;
		}
		long echoed = payload.getLong(payload.position());
		synchronized (this.lock) {
			if (this.pingOutstanding && echoed == this.pingPayload) {
				this.pingOutstanding = false;
				this.lastPongAt = System.nanoTime();
			}
		}
	}

	/**
	 * Cut the connection off if a ping has been outstanding too long, even though no
	 * message is being sent to it; cheap for a connection without one.
	 * @return whether the connection was cut off
	 */
	boolean checkReadLiveness() {
		if (!this.pingOutstanding) {
			return false;
		}
		boolean abort;
		synchronized (this.lock) {
			if (this.closed || !readLivenessExpired(System.nanoTime())) {
				return false;
			}
			abort = cutOffLocked();
		}
		this.listener.cut(this.connection, CutReason.READ_LIVENESS, null, abort);
		return true;
	}

	/**
	 * Forget what is queued and tell whether to close the connection now: a write in
	 * progress is left to end (its own time limit bounds it), since closing under it
	 * makes Tomcat fail the rest of the message on its own thread.
	 * @return whether to abort the connection at once
	 */
	private boolean cutOffLocked() {
		discardLocked();
		this.abortWhenWritten = this.writing;
		return !this.writing;
	}

	/**
	 * Whether a ping has gone unanswered for longer than the send time limit since the
	 * last pong; a ping that starts a burst after an idle time counts from an interval
	 * before it was sent, not from the last pong.
	 */
	private boolean readLivenessExpired(long now) {
		if (!this.pingOutstanding) {
			return false;
		}
		long since = this.pingSentAt - this.limits.pingIntervalNanos();
		if (this.lastPongAt - since > 0) {
			since = this.lastPongAt;
		}
		return now - since > this.limits.sendTimeLimitNanos();
	}

	/**
	 * Mark the connection open, after {@code onConnect}: what was held follows what
	 * {@code onConnect} sent.
	 */
	void open() {
		List<OutboundText> first = null;
		synchronized (this.lock) {
			this.open = true;
			if (this.held != null) {
				queue().addAll(this.held);
				this.held = null;
			}
			if (!this.writing && !this.closed && this.queue != null && !this.queue.isEmpty()) {
				first = pollLocked();
				startWrite();
			}
		}
		if (first != null) {
			start(first);
		}
	}

	/**
	 * Close the connection once everything queued has been written.
	 */
	void close(CloseStatus status) {
		boolean now;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			now = !this.writing;
			if (now) {
				discardLocked();
			}
			else if (this.closeWhenWritten == null) {
				this.closeWhenWritten = status;
			}
		}
		if (now) {
			this.listener.close(this.connection, status);
		}
	}

	/**
	 * Forget what is queued: the connection has closed.
	 */
	void discard() {
		synchronized (this.lock) {
			discardLocked();
		}
	}

	private void discardLocked() {
		this.closed = true;
		this.queue = null;
		this.held = null;
		this.queuedBytes = 0;
	}

	private ArrayDeque<OutboundText> queue() {
		if (this.queue == null) {
			this.queue = new ArrayDeque<>(4);
		}
		return this.queue;
	}

	private ArrayDeque<OutboundText> held() {
		if (this.held == null) {
			this.held = new ArrayDeque<>(4);
		}
		return this.held;
	}

	private void startWrite() {
		this.writing = true;
		this.writeStartedAt = System.nanoTime();
		this.dataWrittenSincePing = true;
	}

	/**
	 * Take what leaves in the next write: everything queued if the sender batches, the
	 * first message otherwise.
	 */
	private List<OutboundText> pollLocked() {
		ArrayDeque<OutboundText> queue = this.queue;
		if (queue.size() == 1 || !this.sender.batches()) {
			OutboundText next = queue.poll();
			this.queuedBytes -= next.size();
			return List.of(next);
		}
		List<OutboundText> batch = new ArrayList<>(queue.size());
		for (OutboundText next; (next = queue.poll()) != null;) {
			// Held messages count too: subtract only what leaves
			this.queuedBytes -= next.size();
			batch.add(next);
		}
		return batch;
	}

	/**
	 * Start writing to an idle connection on a writer thread, so that the thread that
	 * queued the message never writes to the socket itself (a broadcast's fan-out runs
	 * under the node's broadcast lock), and so that what queues meanwhile leaves in the
	 * next write.
	 */
	private void start(List<OutboundText> messages) {
		try {
			this.writers.execute(() -> write(messages));
		}
		catch (RejectedExecutionException ex) {
			// The node is stopping
			failed(ex);
		}
	}

	/**
	 * Write messages until one does not complete at once; its completion goes on from
	 * there. A loop rather than a call from each completion, so that writes that
	 * complete at once do not grow the stack.
	 */
	private void write(List<OutboundText> messages) {
		List<OutboundText> next = messages;
		while (next != null) {
			Completion completion = new Completion(next == PING);
			if (next == PING) {
				this.sender.ping(pingPayloadBuffer(), completion);
			}
			else {
				this.sender.send(next, completion);
			}
			if (!completion.completedBeforeReturn()) {
				return;
			}
			if (completion.failure != null) {
				failed(completion.failure);
				return;
			}
			next = next(next == PING);
		}
	}

	/**
	 * Whether a ping should follow the data just written: read liveness is on, the
	 * sender can ping, no ping is outstanding and the last was sent an interval ago.
	 */
	private boolean pingDueLocked() {
		return this.dataWrittenSincePing && !this.pingOutstanding && this.limits.pingIntervalNanos() > 0
				&& System.nanoTime() - this.pingSentAt >= this.limits.pingIntervalNanos() && this.sender.pings();
	}

	private ByteBuffer pingPayloadBuffer() {
		long payload;
		synchronized (this.lock) {
			payload = this.pingPayload;
		}
		return ByteBuffer.allocate(Long.BYTES).putLong(0, payload);
	}

	private @Nullable List<OutboundText> next(boolean wrotePing) {
		CloseStatus close = null;
		boolean abort;
		synchronized (this.lock) {
			// A close waiting for the queue to drain is not held up by a ping
			if (!this.closed && this.closeWhenWritten == null && !wrotePing && pingDueLocked()) {
				long now = System.nanoTime();
				this.writeStartedAt = now;
				this.pingPayload = ThreadLocalRandom.current().nextLong();
				this.pingSentAt = now;
				this.pingOutstanding = true;
				this.dataWrittenSincePing = false;
				return PING;
			}
			if (!this.closed && this.queue != null && !this.queue.isEmpty()) {
				this.writeStartedAt = System.nanoTime();
				this.dataWrittenSincePing = true;
				return pollLocked();
			}
			this.writing = false;
			abort = this.abortWhenWritten;
			this.abortWhenWritten = false;
			if (!this.closed && this.closeWhenWritten != null) {
				close = this.closeWhenWritten;
				discardLocked();
			}
		}
		if (abort) {
			this.listener.abort(this.connection);
		}
		if (close != null) {
			this.listener.close(this.connection, close);
		}
		return null;
	}

	private void failed(Throwable failure) {
		boolean wasClosed;
		synchronized (this.lock) {
			this.writing = false;
			this.abortWhenWritten = false;
			wasClosed = this.closed;
			discardLocked();
		}
		if (!wasClosed) {
			this.listener.cut(this.connection,
					(failure instanceof SocketTimeoutException) ? CutReason.SEND_TIME_LIMIT : CutReason.SEND_FAILED,
					failure, true);
		}
		else {
			this.listener.abort(this.connection);
		}
	}

	/**
	 * The outcome of one write, which may arrive before or after the call that started
	 * it returns.
	 */
	private final class Completion implements Consumer<@Nullable Throwable> {

		private static final int PENDING = 0;

		private static final int RETURNED = 1;

		private static final int COMPLETED = 2;

		private final AtomicInteger state = new AtomicInteger();

		private final boolean ping;

		private volatile @Nullable Throwable failure;

		Completion(boolean ping) {
			this.ping = ping;
		}

		@Override
		public void accept(@Nullable Throwable failure) {
			this.failure = failure;
			if (!this.state.compareAndSet(PENDING, COMPLETED)) {
				// The call has returned: go on from here
				if (failure != null) {
					failed(failure);
				}
				else {
					List<OutboundText> next = next(this.ping);
					if (next != null) {
						write(next);
					}
				}
			}
		}

		boolean completedBeforeReturn() {
			return !this.state.compareAndSet(PENDING, RETURNED);
		}

	}

	/**
	 * Why a connection was cut off.
	 */
	enum CutReason {

		/** A write took longer than the send time limit. */
		SEND_TIME_LIMIT("send time limit exceeded"),

		/** A ping went unanswered for longer than the send time limit. */
		READ_LIVENESS("ping not answered within the send time limit"),

		/** More than the send buffer size limit waited for the client. */
		SEND_BUFFER_LIMIT("send buffer size limit exceeded"),

		/** A write failed. */
		SEND_FAILED("send failed");

		private final String description;

		CutReason(String description) {
			this.description = description;
		}

		String description() {
			return this.description;
		}

	}

	/**
	 * The limits of an outbox.
	 *
	 * @param sendTimeLimitNanos how long one write may take, and how long a ping may go
	 * unanswered
	 * @param bufferLimitBytes how many bytes may wait
	 * @param pingIntervalNanos the shortest time between two pings while data flows, or
	 * 0 to send none
	 */
	record Limits(long sendTimeLimitNanos, long bufferLimitBytes, long pingIntervalNanos) {

	}

	/**
	 * Told when a connection must be closed.
	 */
	interface Listener {

		/**
		 * The connection was cut off: nothing more is sent to it.
		 * @param abort whether to close it now, without waiting for the client; if
		 * not, {@link #abort} follows once the write in progress has ended
		 */
		void cut(LocalConnection connection, CutReason reason, @Nullable Throwable failure, boolean abort);

		/**
		 * Close a connection that was cut off at once, without waiting for the client.
		 */
		void abort(LocalConnection connection);

		/**
		 * Everything queued before a close was written: close the connection.
		 */
		void close(LocalConnection connection, CloseStatus status);

	}

}

package io.socketbox.spring.internal;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.session.DirectBuffer;
import io.socketbox.spring.internal.session.SessionFrames;

import org.springframework.web.socket.CloseStatus;

/**
 * A session of a client that offered the {@code socketbox.v1} subprotocol: the
 * {@link io.socketbox.spring.SocketBoxConnection} the application sees, which outlives
 * the client's connections. It numbers and keeps the messages sent to it (its
 * {@link DirectBuffer}) and passes them, and broadcasts, to the connection it has now;
 * between connections it keeps them for the client's return.
 */
final class SessionConnection implements Recipient, Acknowledging {

	private final String id;

	private final @Nullable Principal principal;

	private final Map<String, Object> attributes;

	private final Ending ending;

	private final Object lock = new Object();

	private final DirectBuffer buffer;

	private volatile @Nullable Transport current;

	private volatile @Nullable InetSocketAddress remoteAddress;

	private long detachedAt;

	private @Nullable CloseStatus closeRequested;

	private boolean ended;

	/** The seq of the client's last numbered message handed to the application. */
	private long handled;

	private final AtomicBoolean ackDue = new AtomicBoolean();

	/** The node this session was handed over from, until its leave notice has arrived. */
	private @Nullable String fencedBy;

	/** Messages of other senders that wait for the fence to lift. */
	private final List<OutboundText> held = new ArrayList<>();

	SessionConnection(String id, LocalConnection first, DirectBuffer buffer, Ending ending) {
		this(id, first.getPrincipal(), first.getAttributes(), buffer, ending, first, System.nanoTime(), 0);
	}

	/**
	 * Create a session that another node hands to this one.
	 * @param current the client's connection to this node, or {@code null} if it is
	 * between connections (since {@code detachedAt})
	 * @param handled the seq of the client's last numbered message handled so far
	 */
	SessionConnection(String id, @Nullable Principal principal, Map<String, Object> attributes, DirectBuffer buffer,
			Ending ending, @Nullable Transport current, long detachedAt, long handled) {
		this.id = id;
		this.principal = principal;
		this.attributes = new ConcurrentHashMap<>(attributes);
		this.buffer = buffer;
		this.ending = ending;
		this.current = current;
		this.remoteAddress = (current != null) ? current.getRemoteAddress() : null;
		this.detachedAt = detachedAt;
		this.handled = handled;
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.principal;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Return whether the session lasts: connected, or between connections within the
	 * resume window.
	 */
	@Override
	public boolean isOpen() {
		synchronized (this.lock) {
			return !this.ended;
		}
	}

	/**
	 * End the session: close its connection with the given status, which a SocketBox
	 * client takes as the end (1000), or end it now if it has none.
	 */
	@Override
	public void close(CloseStatus status) {
		Transport connection;
		synchronized (this.lock) {
			if (this.ended || this.closeRequested != null) {
				return;
			}
			this.closeRequested = status;
			connection = this.current;
			if (connection == null) {
				this.ended = true;
			}
		}
		if (connection != null) {
			connection.close(status);
		}
		else {
			this.ending.ended(this, status);
		}
	}

	@Override
	public boolean send(OutboundText message) {
		return number(message, true);
	}

	@Override
	public boolean deliver(OutboundText message) {
		return number(message, false);
	}

	/**
	 * Queue a message from a node: until the node this session was handed over from has
	 * left, only its messages go through (it forwards what its senders sent it before
	 * they learnt of the move); other senders' wait, so that no sender's message overtakes
	 * an earlier one.
	 * @param message the message
	 * @param fromNode the node that sent it, or {@code null} for this node
	 * @return whether the session took it
	 */
	boolean deliverFrom(OutboundText message, @Nullable String fromNode) {
		synchronized (this.lock) {
			if (this.fencedBy != null && !this.fencedBy.equals(fromNode) && !this.ended) {
				this.held.add(message);
				return true;
			}
			return number(message, false);
		}
	}

	@Nullable String fencedBy() {
		synchronized (this.lock) {
			return this.fencedBy;
		}
	}

	/**
	 * Hold other senders' messages until the given node has left.
	 * @param oldHome the node the session was handed over from
	 */
	void fence(String oldHome) {
		synchronized (this.lock) {
			this.fencedBy = oldHome;
		}
	}

	/**
	 * A node has left or is gone: if the session waited for it, what other senders sent
	 * meanwhile follows, in order.
	 * @param nodeId the node
	 */
	void lift(String nodeId) {
		synchronized (this.lock) {
			if (nodeId.equals(this.fencedBy)) {
				this.fencedBy = null;
				this.held.forEach((message) -> number(message, false));
				this.held.clear();
			}
		}
	}

	/**
	 * Number a message, keep it, and queue it on the connection the client has now.
	 * @param now whether it goes at once, even before {@code onConnect} has returned
	 */
	private boolean number(OutboundText message, boolean now) {
		synchronized (this.lock) {
			if (this.ended) {
				return false;
			}
			OutboundText frame = this.buffer.add(message);
			Transport connection = this.current;
			if (connection != null) {
				if (now) {
					connection.send(frame);
				}
				else {
					connection.deliver(frame);
				}
			}
			return true;
		}
	}

	/**
	 * Pass a broadcast to the connection, if there is one; between connections the
	 * history of broadcasts keeps it.
	 */
	@Override
	public boolean deliver(Broadcast broadcast) {
		// A client on another node gets broadcasts from that node
		if (this.current instanceof LocalConnection connection) {
			connection.deliver(broadcast.framed());
		}
		return true;
	}

	/**
	 * Queue a control frame on the connection the client has now, unnumbered.
	 * @param frame the frame
	 */
	void control(OutboundText frame) {
		Transport connection = this.current;
		if (connection != null) {
			connection.deliver(frame);
		}
	}

	@Override
	public void open() {
		Transport connection = this.current;
		if (connection != null) {
			connection.open();
		}
	}

	@Override
	public void checkReadLiveness() {
		Transport connection = this.current;
		if (connection != null) {
			connection.checkReadLiveness();
		}
	}

	/**
	 * Take a numbered message of the client for the application: only from the
	 * session's current connection, only while it lasts here, and only once.
	 * @param from the connection it came on
	 * @param seq its seq
	 * @return whether it goes to the application; if not, it was handled before, or the
	 * client sends it again on its next connection
	 */
	boolean handle(Transport from, long seq) {
		synchronized (this.lock) {
			if (this.ended || this.current != from || seq <= this.handled) {
				return false;
			}
			this.handled = seq;
			return true;
		}
	}

	/**
	 * Return the seq of the client's last numbered message handed to the application.
	 */
	long handled() {
		synchronized (this.lock) {
			return this.handled;
		}
	}

	/**
	 * The client's numbered messages have been handled up to a seq.
	 * @param seq the seq
	 */
	void handledAtLeast(long seq) {
		synchronized (this.lock) {
			this.handled = Math.max(this.handled, seq);
		}
	}

	/**
	 * The node the client is connected to has handled its numbered messages up to a
	 * seq; a report of any other node is out of date, and ignored.
	 * @param nodeId the node
	 * @param seq the seq
	 */
	void handledAt(String nodeId, long seq) {
		synchronized (this.lock) {
			if (this.current instanceof RemoteTransport remote && remote.nodeId().equals(nodeId)
					&& seq > this.handled) {
				this.handled = seq;
			}
		}
	}

	@Override
	public boolean ackDue() {
		return this.ackDue.compareAndSet(false, true);
	}

	@Override
	public void acknowledge() {
		this.ackDue.set(false);
		control(SessionFrames.ack(handled()));
	}

	/**
	 * Make a new connection of the client the session's connection, and send it the
	 * messages the client missed, after the frames that {@code first} gives.
	 * @param connection the new connection
	 * @param received the seq of the last message the client received
	 * @param first sends the frames that go before the replay
	 * @return the connection it had until now, or {@code null}; or the new connection
	 * itself if the session has ended
	 */
	@Nullable Transport attach(Transport connection, long received, Before first) {
		synchronized (this.lock) {
			if (this.ended || this.closeRequested != null) {
				return connection;
			}
			Transport previous = this.current;
			this.current = connection;
			this.remoteAddress = connection.getRemoteAddress();
			DirectBuffer.Replay replay = this.buffer.replayAfter(received);
			first.send(replay.gap());
			replay.frames().forEach(connection::send);
			return previous;
		}
	}

	/**
	 * Forget a connection that has closed, if it is still the session's.
	 * @param connection the connection
	 * @param now the time, from {@link System#nanoTime()}
	 * @return what happens to the session
	 */
	Detached detach(Transport connection, long now) {
		synchronized (this.lock) {
			if (this.current != connection || this.ended) {
				return Detached.NOT_CURRENT;
			}
			this.current = null;
			this.detachedAt = now;
			if (this.closeRequested != null) {
				this.ended = true;
				return Detached.ENDED;
			}
			return Detached.WAITING;
		}
	}

	/**
	 * End the session if it is still waiting since the given time.
	 * @param since when its connection closed
	 * @return whether it ended now
	 */
	boolean expire(long since) {
		synchronized (this.lock) {
			if (this.ended || this.current != null || this.detachedAt != since) {
				return false;
			}
			this.ended = true;
			return true;
		}
	}

	/**
	 * End the session now, whatever its state.
	 * @return whether it ended now
	 */
	boolean end() {
		synchronized (this.lock) {
			if (this.ended) {
				return false;
			}
			this.ended = true;
			return true;
		}
	}

	/**
	 * End the session here to hand it to another node: what it keeps, and the
	 * connection it had.
	 * @return the session's state, or {@code null} if it had ended
	 */
	@Nullable Handover handOver() {
		synchronized (this.lock) {
			if (this.ended || this.closeRequested != null) {
				return null;
			}
			// Messages held for the node this session came from go with it, numbered: this
			// node stops before that node has left (two handovers in a row)
			this.held.forEach(this.buffer::add);
			this.held.clear();
			this.fencedBy = null;
			this.ended = true;
			Transport connection = this.current;
			this.current = null;
			return new Handover(this.buffer.last(), this.buffer.frames(), this.handled, connection);
		}
	}

	/**
	 * Return the status the application closed the session with, if it did.
	 */
	@Nullable CloseStatus closeRequested() {
		synchronized (this.lock) {
			return this.closeRequested;
		}
	}

	@Nullable Transport current() {
		return this.current;
	}

	@Override
	public String toString() {
		return "SocketBoxConnection[" + this.id + ", session]";
	}

	/**
	 * The state of a session handed to another node.
	 *
	 * @param last the seq of its last message
	 * @param frames the {@code d} frames it kept
	 * @param handled the seq of the client's last numbered message handled
	 * @param connection the connection it had, or {@code null}
	 */
	record Handover(long last, List<String> frames, long handled, @Nullable Transport connection) {

	}

	/**
	 * What became of a session whose connection closed.
	 */
	enum Detached {

		/** The connection was not the session's (any more): nothing changes. */
		NOT_CURRENT,

		/** The session waits for its client to come back. */
		WAITING,

		/** The application had closed the session: it has ended. */
		ENDED

	}

	/**
	 * Sends what goes before the replay of a resumed session.
	 */
	@FunctionalInterface
	interface Before {

		/**
		 * @param directGap whether the client missed messages the session no longer
		 * keeps
		 */
		void send(boolean directGap);

	}

	/**
	 * Told of a session that the application closed while it had no connection.
	 */
	@FunctionalInterface
	interface Ending {

		void ended(SessionConnection session, CloseStatus status);

	}

}

package io.socketbox.spring.internal;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.session.SessionFrames;

import org.springframework.web.socket.CloseStatus;

/**
 * A client of this node whose session is another node's (its home): what the home
 * relays goes to the client's connection here, and so do broadcasts, from this node's
 * own stream; what the application sends to it goes to the home (the cluster sends it
 * there), which numbers and keeps it. Until the home has answered the client's resume,
 * relayed frames wait. The client's numbered messages are handled here: the home tells
 * where to start, and is told how far this node got.
 */
final class ProxySession implements Recipient, Acknowledging {

	private final String id;

	private final String home;

	private final LocalConnection connection;

	private final SessionRouter router;

	private @Nullable List<OutboundText> waiting = new ArrayList<>();

	private volatile boolean closeRequested;

	/** The seq of the client's last numbered message handed to the application. */
	private long handled;

	/** The last {@link #handled} the home was told of. */
	private long reported;

	/** Whether this node no longer hands the client's messages to the application. */
	private boolean stopped;

	/** The session this node took over from the home, which takes the client's messages now. */
	private @Nullable SessionConnection successor;

	private final AtomicBoolean ackDue = new AtomicBoolean();

	ProxySession(String id, String home, LocalConnection connection, SessionRouter router) {
		this.id = id;
		this.home = home;
		this.connection = connection;
		this.router = router;
	}

	@Override
	public String getId() {
		return this.id;
	}

	String home() {
		return this.home;
	}

	LocalConnection connection() {
		return this.connection;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.connection.getPrincipal();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.connection.getAttributes();
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.connection.getRemoteAddress();
	}

	@Override
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	/**
	 * End the session: close the client's connection here, and the session at its home.
	 */
	@Override
	public void close(CloseStatus status) {
		this.closeRequested = true;
		this.connection.close(status);
	}

	boolean isCloseRequested() {
		return this.closeRequested;
	}

	/**
	 * Take no message here: the session's home numbers and keeps them, and relays them
	 * back; the cluster sends there ({@code LocalConnections#homeOfClient}) and learns
	 * from the home's answer whether the message was taken.
	 * @return {@code false}
	 */
	@Override
	public boolean send(OutboundText message) {
		return false;
	}

	@Override
	public boolean deliver(OutboundText message) {
		return send(message);
	}

	@Override
	public boolean deliver(Broadcast broadcast) {
		return this.connection.deliver(broadcast.framed());
	}

	/**
	 * Pass on a frame the home relayed, once the client has been welcomed.
	 * @param frame the frame
	 */
	void relayed(OutboundText frame) {
		synchronized (this) {
			if (this.waiting != null) {
				this.waiting.add(frame);
				return;
			}
		}
		this.connection.deliver(frame);
	}

	/**
	 * The client has been welcomed: what the home relayed since it answered follows.
	 */
	void welcomed() {
		List<OutboundText> frames;
		synchronized (this) {
			frames = this.waiting;
			this.waiting = null;
			if (frames != null) {
				frames.forEach(this.connection::send);
			}
		}
	}

	/**
	 * Take a numbered message of the client for the application, once.
	 * @param seq its seq
	 * @return whether it goes to the application
	 */
	synchronized boolean handle(long seq) {
		if (this.successor != null) {
			return this.successor.handle(this.connection, seq);
		}
		if (this.stopped || seq <= this.handled) {
			return false;
		}
		this.handled = seq;
		return true;
	}

	/**
	 * Return the seq of the client's last numbered message handed to the application,
	 * here or, as the home said, before.
	 */
	synchronized long handled() {
		return (this.successor != null) ? this.successor.handled() : this.handled;
	}

	/**
	 * The home has handled the client's numbered messages up to a seq.
	 * @param seq the seq
	 */
	synchronized void handledAtLeast(long seq) {
		this.handled = Math.max(this.handled, seq);
		this.reported = Math.max(this.reported, seq);
	}

	/**
	 * Tell the home how far this node has handled the client's messages, if it has not
	 * been told.
	 */
	synchronized void reportHandled() {
		if (this.handled > this.reported) {
			this.reported = this.handled;
			this.router.handled(this.home, this.id, this.handled);
		}
	}

	/**
	 * Hand no more of the client's messages to the application here, and tell the home
	 * how far this node got: the client sends again what was not handled, wherever it
	 * resumes, and the home learns where that starts before it can answer the resume.
	 */
	synchronized void stop() {
		this.stopped = true;
		this.router.handled(this.home, this.id, this.handled);
	}

	/**
	 * This node took the session over from its home, and the client's connection with it:
	 * the session takes the client's messages from now on, even one read before it
	 * replaced this proxy, and knows how far they were handled.
	 * @param session the session
	 */
	synchronized void succeededBy(SessionConnection session) {
		this.successor = session;
		session.handledAtLeast(this.handled);
	}

	@Override
	public boolean ackDue() {
		return this.ackDue.compareAndSet(false, true);
	}

	@Override
	public void acknowledge() {
		this.ackDue.set(false);
		this.connection.deliver(SessionFrames.ack(handled()));
	}

	@Override
	public void open() {
		this.connection.open();
	}

	@Override
	public void checkReadLiveness() {
		this.connection.checkReadLiveness();
	}

	@Override
	public String toString() {
		return "SocketBoxConnection[" + this.id + ", session of " + this.home + "]";
	}

}

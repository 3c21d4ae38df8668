package io.socketbox.spring.internal;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * A client of this node whose session is another node's (its home): what the home
 * relays goes to the client's connection here, and so do broadcasts, from this node's
 * own stream; what the application sends to it goes to the home, which numbers and keeps
 * it. Until the home has answered the client's resume, relayed frames wait.
 */
final class ProxySession implements Recipient {

	private final String id;

	private final String home;

	private final LocalConnection connection;

	private final SessionRouter router;

	private @Nullable List<OutboundText> waiting = new ArrayList<>();

	private volatile boolean closeRequested;

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
	 * Send to the session's home, which numbers the message and relays it back.
	 */
	@Override
	public boolean send(OutboundText message) {
		this.router.toHome(this.home, this.id, message);
		return true;
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

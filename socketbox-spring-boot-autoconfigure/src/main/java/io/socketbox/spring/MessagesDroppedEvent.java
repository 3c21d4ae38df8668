package io.socketbox.spring;

import org.springframework.context.ApplicationEvent;

/**
 * Published when messages for another node are dropped: its link stayed down for
 * longer than the resend window, or more was waiting for it than the resend buffer
 * holds. Delivery within those limits is guaranteed; this event is how the application
 * learns of the rest.
 */
public final class MessagesDroppedEvent extends ApplicationEvent {

	private final String peerId;

	private final String peerName;

	private final long count;

	private final String reason;

	/**
	 * Create an event.
	 * @param source the component that dropped the messages
	 * @param peerId the id of the node the messages were for
	 * @param peerName the name of that node
	 * @param count how many messages were dropped
	 * @param reason why
	 */
	public MessagesDroppedEvent(Object source, String peerId, String peerName, long count, String reason) {
		super(source);
		this.peerId = peerId;
		this.peerName = peerName;
		this.count = count;
		this.reason = reason;
	}

	public String getPeerId() {
		return this.peerId;
	}

	public String getPeerName() {
		return this.peerName;
	}

	public long getCount() {
		return this.count;
	}

	public String getReason() {
		return this.reason;
	}

}

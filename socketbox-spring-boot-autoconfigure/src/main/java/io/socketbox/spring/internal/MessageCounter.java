package io.socketbox.spring.internal;

import java.util.concurrent.atomic.LongAdder;

import io.socketbox.spring.SocketBoxMessageCounts;

/**
 * Counts the messages of a node by kind and direction, for
 * {@link io.socketbox.spring.SocketBoxMessaging#getMessageCounts()}.
 */
public final class MessageCounter {

	private final LongAdder broadcastsSent = new LongAdder();

	private final LongAdder broadcastsReceived = new LongAdder();

	private final LongAdder directSent = new LongAdder();

	private final LongAdder directReceived = new LongAdder();

	private final LongAdder userSent = new LongAdder();

	private final LongAdder userReceived = new LongAdder();

	/**
	 * The application broadcast a message.
	 */
	public void broadcastSent() {
		this.broadcastsSent.increment();
	}

	/**
	 * Another node sent a broadcast.
	 */
	public void broadcastReceived() {
		this.broadcastsReceived.increment();
	}

	/**
	 * The application sent to a connection id.
	 */
	public void directSent() {
		this.directSent.increment();
	}

	/**
	 * Another node sent to a connection of this node.
	 */
	public void directReceived() {
		this.directReceived.increment();
	}

	/**
	 * The application sent to a user.
	 */
	public void userSent() {
		this.userSent.increment();
	}

	/**
	 * Another node asked this node to send to a user.
	 */
	public void userReceived() {
		this.userReceived.increment();
	}

	/**
	 * Return the counts as they are now.
	 * @return the counts
	 */
	public SocketBoxMessageCounts counts() {
		return new SocketBoxMessageCounts(this.broadcastsSent.sum(), this.broadcastsReceived.sum(),
				this.directSent.sum(), this.directReceived.sum(), this.userSent.sum(), this.userReceived.sum());
	}

}

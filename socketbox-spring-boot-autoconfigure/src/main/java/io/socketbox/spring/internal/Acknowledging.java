package io.socketbox.spring.internal;

/**
 * A session's side that hands its client's numbered messages to the application, and
 * acknowledges them: a {@link SessionConnection} at its home, or a {@link ProxySession}
 * where the client is connected to another node.
 */
sealed interface Acknowledging permits SessionConnection, ProxySession {

	/**
	 * Claim the acknowledgement of the messages handled from now on.
	 * @return whether the caller is to send it: no other is due
	 */
	boolean ackDue();

	/**
	 * Acknowledge the numbered messages handled so far, on the connection the client has
	 * now.
	 */
	void acknowledge();

}

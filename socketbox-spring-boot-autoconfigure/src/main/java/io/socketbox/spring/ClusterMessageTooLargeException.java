package io.socketbox.spring;

/**
 * Thrown by {@link ClusterMessages} for a message that, written as JSON in its frame, is
 * larger than the peer links accept ({@code socketbox.cluster.max-frame-size}). The
 * message was not sent to any node; the links and other messages are not affected.
 */
public class ClusterMessageTooLargeException extends IllegalArgumentException {

	/**
	 * Create an exception.
	 * @param message the detail message
	 */
	public ClusterMessageTooLargeException(String message) {
		super(message);
	}

}

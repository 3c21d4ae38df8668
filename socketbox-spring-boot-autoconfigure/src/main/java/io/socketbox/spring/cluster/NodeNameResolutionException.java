package io.socketbox.spring.cluster;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@link NodeNameResolver} cannot compute the node name: the metadata it
 * reads is unreachable or incomplete, or the value it finds is not a {@code ws://} or
 * {@code wss://} URL. A node without a name cannot join its cluster, so the application
 * fails to start with an analysis that says which property to set.
 */
public class NodeNameResolutionException extends IllegalStateException {

	/**
	 * Create an exception.
	 * @param message what could not be resolved, and why
	 */
	public NodeNameResolutionException(String message) {
		super(message);
	}

	/**
	 * Create an exception with a cause.
	 * @param message what could not be resolved, and why
	 * @param cause the failure that prevented the resolution
	 */
	public NodeNameResolutionException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}

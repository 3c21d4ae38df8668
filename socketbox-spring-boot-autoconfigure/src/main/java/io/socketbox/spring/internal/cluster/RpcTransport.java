package io.socketbox.spring.internal.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * Carries a request to another node and brings its reply back; the peer links implement
 * it.
 * <p>
 * Internal to SocketBox.
 */
@FunctionalInterface
public interface RpcTransport {

	/**
	 * A transport for a node without peers: every other node is unreachable.
	 */
	RpcTransport NONE = (nodeId, requestJson) -> CompletableFuture
		.failedFuture(new IllegalStateException("Node '" + nodeId + "' is not a member of this cluster"));

	/**
	 * Send a request to a node; never block.
	 * @param nodeId the id of the node
	 * @param requestJson the request; the node hands it to its
	 * {@link ClusterOperationInvoker#invoke(String)}
	 * @return the reply that the invoker there produced; completes exceptionally when the
	 * node cannot be reached or its link is lost before the reply. The caller cancels it
	 * when it stops waiting, so that the transport may forget the request.
	 */
	CompletableFuture<String> send(String nodeId, String requestJson);

}

package io.socketbox.spring;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Calls {@link ClusterOperation} methods on one node of the cluster or on all of them.
 * <p>
 * The returned futures never complete exceptionally: every way a call can end, a
 * timeout, an unreachable node, an operation that the node lacks or one that throws,
 * is a {@link ClusterCallResult}. Each call waits at most its timeout,
 * {@code socketbox.cluster.rpc-timeout} unless the {@link ClusterCall} sets another.
 * What is chained to a future runs on a SocketBox thread, never on one that reads from
 * the network; chain with an {@code ...Async} method to move long work elsewhere.
 */
public interface ClusterOperations {

	/**
	 * Call an operation on one node, this one included.
	 * @param <T> the type of the result
	 * @param nodeId the id of the node, as in {@link SocketBoxCluster#getNodeId()} and
	 * {@link ClusterMember}
	 * @param call the operation, its arguments and result type
	 * @return the result, once the node replied or the call timed out
	 */
	<T> CompletableFuture<ClusterCallResult<T>> call(String nodeId, ClusterCall<T> call);

	/**
	 * Call an operation on every member of the cluster at once.
	 * @param <T> the type of the result
	 * @param call the operation, its arguments and result type
	 * @param includeThisNode whether to call it on this node too
	 * @return a result for each node, keyed by node id: this node first when included,
	 * then the others in the order of their ids; complete once every node replied or
	 * timed out
	 */
	<T> CompletableFuture<Map<String, ClusterCallResult<T>>> callAll(ClusterCall<T> call, boolean includeThisNode);

	/**
	 * Call an operation on one node with the default timeout.
	 * @param <T> the type of the result
	 * @param nodeId the id of the node
	 * @param operation the operation's name
	 * @param resultType the class of the result
	 * @param arguments the arguments
	 * @return the result
	 * @see #call(String, ClusterCall)
	 */
	default <T> CompletableFuture<ClusterCallResult<T>> call(String nodeId, String operation, Class<T> resultType,
			@Nullable Object... arguments) {
		return call(nodeId, ClusterCall.of(operation, resultType, arguments));
	}

	/**
	 * Call an operation on every node, this one included, with the default timeout.
	 * @param <T> the type of the result
	 * @param operation the operation's name
	 * @param resultType the class of the result
	 * @param arguments the arguments
	 * @return a result for each node
	 * @see #callAll(ClusterCall, boolean)
	 */
	default <T> CompletableFuture<Map<String, ClusterCallResult<T>>> callAll(String operation, Class<T> resultType,
			@Nullable Object... arguments) {
		return callAll(ClusterCall.of(operation, resultType, arguments), true);
	}

}

package io.socketbox.spring.internal.cluster;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterCallResult.Status;

import org.springframework.aop.support.AopUtils;

/**
 * Runs the operation that a request names and returns the JSON of its reply. Everything,
 * reading the request included, runs on the given executor, never on the thread that
 * hands the request in, which may be one that reads from the network.
 * <p>
 * Internal to SocketBox, public for the auto-configuration and the peer links.
 */
public final class ClusterOperationInvoker {

	private static final Log logger = LogFactory.getLog(ClusterOperationInvoker.class);

	private final ClusterOperationRegistry registry;

	private final RpcCodec codec;

	private final Executor executor;

	/**
	 * Create an invoker.
	 * @param registry the operations of this node
	 * @param codec reads requests and writes replies
	 * @param executor runs the operations
	 */
	public ClusterOperationInvoker(ClusterOperationRegistry registry, RpcCodec codec, Executor executor) {
		this.registry = registry;
		this.codec = codec;
		this.executor = executor;
	}

	/**
	 * Run the operation that the request names.
	 * @param requestJson the request, as another node or this one sent it
	 * @return the reply to send back; the future never completes exceptionally, and
	 * completes when the operation (or the stage it returned) does
	 */
	public CompletableFuture<String> invoke(String requestJson) {
		CompletableFuture<String> reply = new CompletableFuture<>();
		try {
			this.executor.execute(() -> run(requestJson, reply));
		}
		catch (RejectedExecutionException ex) {
			reply.complete(this.codec.writeError(Status.FAILED,
					"Node too busy to run operations: " + RpcCodec.describe(ex)));
		}
		return reply;
	}

	private void run(String requestJson, CompletableFuture<String> reply) {
		String operation = null;
		try {
			RpcRequest request = this.codec.readRequest(requestJson);
			operation = request.operation();
			ClusterOperationRegistry.Handler handler = this.registry.get(operation);
			if (handler == null) {
				throw new RpcFailure(Status.UNKNOWN_OPERATION, "No operation named '" + operation + "'");
			}
			Object[] arguments = this.codec.readArguments(operation, request.args(), handler.declared(),
					AopUtils.getTargetClass(handler.bean()));
			Object value = invoke(handler, arguments);
			if (value instanceof CompletionStage<?> stage) {
				String name = operation;
				stage.whenComplete((result, ex) -> reply.complete((ex != null) ? failure(name, unwrap(ex))
						: this.codec.writeValue(name, result)));
			}
			else {
				reply.complete(this.codec.writeValue(operation, value));
			}
		}
		catch (RpcFailure ex) {
			reply.complete(this.codec.writeError(ex.getStatus(), ex.getMessage()));
		}
		catch (Throwable ex) {
			reply.complete(failure(operation, ex));
		}
	}

	private static @Nullable Object invoke(ClusterOperationRegistry.Handler handler, @Nullable Object[] arguments)
			throws Throwable {
		try {
			return handler.method().invoke(handler.bean(), arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private String failure(@Nullable String operation, Throwable ex) {
		if (logger.isDebugEnabled()) {
			logger.debug("Cluster operation '" + operation + "' failed", ex);
		}
		return this.codec.writeError(Status.FAILED, RpcCodec.describe(ex));
	}

	private static Throwable unwrap(Throwable ex) {
		Throwable cause = ex;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}

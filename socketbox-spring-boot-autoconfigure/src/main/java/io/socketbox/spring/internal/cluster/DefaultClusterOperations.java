package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

import io.socketbox.spring.ClusterCall;
import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterOperations;

import org.springframework.util.Assert;

/**
 * {@link ClusterOperations} that calls this node through its
 * {@link ClusterOperationInvoker} and other nodes through an {@link RpcTransport}. A call
 * to this node takes the same path as one from another node, JSON and size limit
 * included, so that an operation behaves the same wherever it runs.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class DefaultClusterOperations implements ClusterOperations {

	private final String localNodeId;

	private final Supplier<? extends Collection<String>> memberIds;

	private final RpcTransport transport;

	private final ClusterOperationInvoker invoker;

	private final RpcCodec codec;

	private final Executor completer;

	private final ScheduledExecutorService scheduler;

	private final Duration defaultTimeout;

	/**
	 * Create the operations of a node.
	 * @param localNodeId the id of this node
	 * @param memberIds the ids of the other members, for {@code callAll}; this node's id
	 * among them is ignored
	 * @param transport carries requests to other nodes
	 * @param invoker runs requests on this node
	 * @param codec writes requests and reads replies
	 * @param completer completes the futures of replies and timeouts, so that what
	 * callers chain to them never runs on a thread that reads from the network or on the
	 * scheduler
	 * @param scheduler times calls out; best with
	 * {@link java.util.concurrent.ScheduledThreadPoolExecutor#setRemoveOnCancelPolicy
	 * removeOnCancelPolicy}, as the timeout of every call that ends in time is cancelled
	 * @param defaultTimeout the timeout of calls that set none
	 */
	public DefaultClusterOperations(String localNodeId, Supplier<? extends Collection<String>> memberIds,
			RpcTransport transport, ClusterOperationInvoker invoker, RpcCodec codec, Executor completer,
			ScheduledExecutorService scheduler, Duration defaultTimeout) {
		Assert.isTrue(!defaultTimeout.isNegative() && !defaultTimeout.isZero(), "'defaultTimeout' must be positive");
		this.localNodeId = localNodeId;
		this.memberIds = memberIds;
		this.transport = transport;
		this.invoker = invoker;
		this.codec = codec;
		this.completer = completer;
		this.scheduler = scheduler;
		this.defaultTimeout = defaultTimeout;
	}

	@Override
	public <T> CompletableFuture<ClusterCallResult<T>> call(String nodeId, ClusterCall<T> call) {
		Assert.hasText(nodeId, "'nodeId' must not be empty");
		Assert.notNull(call, "'call' must not be null");
		String request;
		try {
			request = this.codec.writeRequest(call.getOperation(), call.getArguments());
		}
		catch (RpcFailure ex) {
			return CompletableFuture.completedFuture(ClusterCallResult.failed(nodeId, ex.getMessage()));
		}
		return send(nodeId, call, request, this.codec.type(call.getResultType()));
	}

	@Override
	public <T> CompletableFuture<Map<String, ClusterCallResult<T>>> callAll(ClusterCall<T> call,
			boolean includeThisNode) {
		Assert.notNull(call, "'call' must not be null");
		List<String> nodeIds = nodeIds(includeThisNode);
		String request;
		try {
			request = this.codec.writeRequest(call.getOperation(), call.getArguments());
		}
		catch (RpcFailure ex) {
			Map<String, ClusterCallResult<T>> failed = new LinkedHashMap<>();
			nodeIds.forEach((nodeId) -> failed.put(nodeId, ClusterCallResult.failed(nodeId, ex.getMessage())));
			return CompletableFuture.completedFuture(Collections.unmodifiableMap(failed));
		}
		JavaType resultType = this.codec.type(call.getResultType());
		List<CompletableFuture<ClusterCallResult<T>>> calls = new ArrayList<>(nodeIds.size());
		for (String nodeId : nodeIds) {
			calls.add(send(nodeId, call, request, resultType));
		}
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			Map<String, ClusterCallResult<T>> results = new LinkedHashMap<>();
			calls.forEach((result) -> {
				ClusterCallResult<T> value = result.join();
				results.put(value.nodeId(), value);
			});
			return Collections.unmodifiableMap(results);
		});
	}

	private List<String> nodeIds(boolean includeThisNode) {
		TreeSet<String> others = new TreeSet<>(this.memberIds.get());
		others.remove(this.localNodeId);
		List<String> nodeIds = new ArrayList<>(others.size() + 1);
		if (includeThisNode) {
			nodeIds.add(this.localNodeId);
		}
		nodeIds.addAll(others);
		return nodeIds;
	}

	private <T> CompletableFuture<ClusterCallResult<T>> send(String nodeId, ClusterCall<T> call, String request,
			JavaType resultType) {
		CompletableFuture<ClusterCallResult<T>> result = new CompletableFuture<>();
		Duration timeout = (call.getTimeout() != null) ? call.getTimeout() : this.defaultTimeout;
		boolean local = nodeId.equals(this.localNodeId);
		CompletableFuture<String> reply;
		try {
			reply = local ? this.invoker.invoke(request) : this.transport.send(nodeId, request);
		}
		catch (RuntimeException ex) {
			result.complete(ClusterCallResult.unreachable(nodeId, RpcCodec.describe(ex)));
			return result;
		}
		if (reply == null) {
			result.complete(ClusterCallResult.unreachable(nodeId, "No reply future from the transport"));
			return result;
		}
		ScheduledFuture<?> timer = scheduleTimeout(nodeId, timeout, result);
		reply.whenCompleteAsync((json, ex) -> {
			if (ex != null) {
				result.complete(ClusterCallResult.unreachable(nodeId, RpcCodec.describe(unwrap(ex))));
			}
			else {
				result.complete(this.codec.readResponse(nodeId, call.getOperation(), json, resultType));
			}
		}, this.completer);
		result.whenComplete((done, ex) -> {
			if (timer != null) {
				timer.cancel(false);
			}
			reply.cancel(false);
		});
		return result;
	}

	private <T> @Nullable ScheduledFuture<?> scheduleTimeout(String nodeId, Duration timeout,
			CompletableFuture<ClusterCallResult<T>> result) {
		ClusterCallResult<T> timedOut = ClusterCallResult.timedOut(nodeId, "No reply within " + timeout);
		Runnable complete = () -> result.complete(timedOut);
		try {
			return this.scheduler.schedule(() -> {
				try {
					this.completer.execute(complete);
				}
				catch (RejectedExecutionException ex) {
					complete.run();
				}
			}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The scheduler is shut down: the node is stopping, and nothing would time the call out
			result.complete(ClusterCallResult.unreachable(nodeId, "Node is stopping"));
			return null;
		}
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
	}

}

package io.socketbox.spring.internal.cluster;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.socketbox.spring.ClusterCallResult.Status;

/**
 * Carries cluster operation calls over the peer links, both ways. A request goes to its
 * node as one {@code rpc} data frame on that peer's {@link PeerChannel channel}
 * (numbered, and sent again on the next link if the link breaks), and the node answers
 * with one {@code rpc-reply} frame that carries the same id and the JSON that its
 * {@link ClusterOperationInvoker} produced.
 * <p>
 * A call ends without a reply, exceptionally (which callers read as unreachable), when
 * the node has no channel, when its channel becomes unreachable before it acknowledged
 * the request, or when the node leaves before it replied. A request or a reply that is
 * larger than a peer frame in its frame is never sent: the call gets a {@code FAILED}
 * reply instead, and the link and other traffic go on. Replies from another peer than
 * the one called, or for a call no longer waiting, are ignored.
 * <p>
 * Requests are handed to the invoker on the thread that reads the link, which returns at
 * once; replies are queued on the invoker's threads. Neither waits for a link.
 */
final class PeerRpcTransport implements RpcTransport {

	private static final Log logger = LogFactory.getLog(PeerRpcTransport.class);

	private final String localNodeId;

	private final ClusterMessaging messaging;

	private final ClusterOperationInvoker invoker;

	private final RpcCodec codec;

	private final AtomicLong ids = new AtomicLong();

	private final Map<String, Pending> pending = new ConcurrentHashMap<>();

	/**
	 * Create the transport of a node.
	 * @param localNodeId the id of this node
	 * @param messaging numbers frames and queues them on the peers' channels
	 * @param invoker runs the requests that other nodes send
	 * @param codec writes the replies of requests that cannot be carried
	 */
	PeerRpcTransport(String localNodeId, ClusterMessaging messaging, ClusterOperationInvoker invoker,
			RpcCodec codec) {
		this.localNodeId = localNodeId;
		this.messaging = messaging;
		this.invoker = invoker;
		this.codec = codec;
	}

	@Override
	public CompletableFuture<String> send(String nodeId, String requestJson) {
		String id = this.localNodeId + "-rpc-" + this.ids.incrementAndGet();
		CompletableFuture<String> reply = new CompletableFuture<>();
		// Travels in the channel with the request, which completes it if the peer becomes
		// unreachable before acknowledging the request; once acknowledged, the request
		// may have run, and only a leave notice or the caller's timeout ends the wait
		CompletableFuture<Integer> linkLost = new CompletableFuture<>();
		this.pending.put(id, new Pending(nodeId, reply));
		reply.whenComplete((json, ex) -> {
			this.pending.remove(id);
			linkLost.complete(0);
		});
		linkLost.thenAccept((outcome) -> {
			if (outcome == PeerChannel.LINK_LOST) {
				reply.completeExceptionally(new NodeUnreachableException("Node '" + nodeId
						+ "' became unreachable before it replied"));
			}
		});
		try {
			if (!this.messaging.queue(nodeId, Envelope.rpc(this.localNodeId, id, requestJson), linkLost)) {
				reply.completeExceptionally(new NodeUnreachableException("Node '" + nodeId + "' is not linked"));
			}
		}
		catch (ClusterMessaging.UnsendableFrameException ex) {
			reply.complete(this.codec.writeError(Status.FAILED, "request too large: " + ex.getMessage()));
		}
		return reply;
	}

	/**
	 * Run a request that a peer sent, and queue its reply to that peer once the
	 * invoker has it. Called under the channel's receive lock; returns at once.
	 */
	void onRequest(PeerLink link, Envelope envelope) {
		String id = envelope.id();
		if (id == null) {
			return;
		}
		String peerId = link.peerId();
		String request = (envelope.payload() != null) ? envelope.payload() : "";
		this.invoker.invoke(request).thenAccept((json) -> reply(peerId, id, json));
	}

	private void reply(String peerId, String id, String json) {
		try {
			queueReply(peerId, id, json);
		}
		catch (ClusterMessaging.UnsendableFrameException ex) {
			try {
				queueReply(peerId, id, this.codec.writeError(Status.FAILED, "result too large: " + ex.getMessage()));
			}
			catch (ClusterMessaging.UnsendableFrameException again) {
				logger.debug("Could not reply to request " + id + " of " + peerId + ": " + again.getMessage());
			}
		}
	}

	private void queueReply(String peerId, String id, String json) {
		if (!this.messaging.queue(peerId, Envelope.rpcReply(this.localNodeId, id, json), null)
				&& logger.isDebugEnabled()) {
			logger.debug("Dropped the reply to request " + id + ": " + peerId + " is unreachable");
		}
	}

	/**
	 * Complete the call that a reply answers, if it came from the node called.
	 */
	void onReply(PeerLink link, Envelope envelope) {
		Pending call = (envelope.id() != null) ? this.pending.get(envelope.id()) : null;
		if (call != null && call.nodeId().equals(link.peerId()) && envelope.payload() != null) {
			call.reply().complete(envelope.payload());
		}
	}

	/**
	 * Fail the calls that wait for a node that left: it will not reply.
	 */
	void peerLeft(String nodeId) {
		this.pending.values()
			.stream()
			.filter((call) -> call.nodeId().equals(nodeId))
			.forEach((call) -> call.reply()
				.completeExceptionally(new NodeUnreachableException("Node '" + nodeId + "' left before it replied")));
	}

	/**
	 * How many calls wait for a reply, for tests.
	 */
	int pendingCount() {
		return this.pending.size();
	}

	private record Pending(String nodeId, CompletableFuture<String> reply) {

	}

	/**
	 * Why a call ended without a reply; its message reaches the caller's result.
	 */
	static final class NodeUnreachableException extends RuntimeException {

		NodeUnreachableException(String message) {
			super(message, null, false, false);
		}

	}

}

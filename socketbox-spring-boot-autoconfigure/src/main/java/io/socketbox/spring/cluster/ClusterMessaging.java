package io.socketbox.spring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.socketbox.spring.LocalConnections;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxMessaging;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * {@link SocketBoxMessaging} that delivers to local connections directly and to other
 * nodes over their peer links. A broadcast is serialized once and goes one hop to each
 * peer, which delivers it locally and never forwards it. A direct send goes only to the
 * node named in the connection id, which acknowledges it.
 */
public final class ClusterMessaging implements SocketBoxMessaging {

	private static final Log logger = LogFactory.getLog(ClusterMessaging.class);

	private static final int LINK_LOST = -1;

	private static final int TIMED_OUT = -2;

	private final LocalNode localNode;

	private final LocalConnections connections;

	private final Function<Object, String> payloadWriter;

	private final PeerLinks links;

	private final Duration replyTimeout;

	private final boolean debug;

	private final EnvelopeCodec codec = new EnvelopeCodec();

	private final AtomicLong sequence = new AtomicLong();

	private final Map<String, PendingReply> pendingReplies = new ConcurrentHashMap<>();

	private volatile Consumer<String> leaveListener = (peerId) -> {
	};

	/**
	 * Create messaging for a single node, without peers.
	 * @param localNode this node
	 * @param connections the connections of this node
	 * @param payloadWriter writes payloads that are not strings
	 */
	public ClusterMessaging(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter) {
		this(localNode, connections, payloadWriter, new PeerLinks(), Duration.ofSeconds(5), false);
	}

	ClusterMessaging(LocalNode localNode, LocalConnections connections, Function<Object, String> payloadWriter,
			PeerLinks links, Duration replyTimeout, boolean debug) {
		this.localNode = localNode;
		this.connections = connections;
		this.payloadWriter = payloadWriter;
		this.links = links;
		this.replyTimeout = replyTimeout;
		this.debug = debug;
		links.addListener(new PeerLinks.Listener() {

			@Override
			public void linkUp(PeerLink link) {
			}

			@Override
			public void linkDown(PeerLink link) {
				failPendingReplies(link.peerId());
			}

		});
	}

	void setLeaveListener(Consumer<String> leaveListener) {
		this.leaveListener = leaveListener;
	}

	@Override
	public void broadcast(Object payload) {
		String text = toText(payload);
		this.connections.broadcast(new TextMessage(text));
		if (!this.links.all().isEmpty()) {
			if (this.debug) {
				logger.info("Broadcasting to " + this.links.all().size() + " peer(s)");
			}
			this.links.broadcast(this.codec.write(Envelope.broadcast(this.localNode.getId(), nextId(), text)));
		}
	}

	@Override
	public CompletableFuture<SendResult> send(String connectionId, Object payload) {
		String nodeId = LocalNode.nodeIdOf(connectionId);
		if (nodeId == null) {
			return CompletableFuture.completedFuture(SendResult.UNKNOWN_CONNECTION);
		}
		String text = toText(payload);
		if (nodeId.equals(this.localNode.getId())) {
			boolean sent = this.connections.send(connectionId, new TextMessage(text));
			return CompletableFuture.completedFuture(sent ? SendResult.DELIVERED : SendResult.UNKNOWN_CONNECTION);
		}
		String id = nextId();
		return request(nodeId, id, Envelope.send(this.localNode.getId(), id, connectionId, text))
			.thenApply(ClusterMessaging::toSendResult);
	}

	@Override
	public CompletableFuture<Integer> sendToUser(String user, Object payload) {
		String text = toText(payload);
		int local = this.connections.sendToUser(user, new TextMessage(text));
		List<CompletableFuture<Integer>> replies = new ArrayList<>();
		for (PeerLink link : this.links.all()) {
			String id = nextId();
			replies.add(request(link.peerId(), id, Envelope.user(this.localNode.getId(), id, user, text)));
		}
		return CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
			.thenApply((ignored) -> local + replies.stream().mapToInt(CompletableFuture::join).filter((n) -> n > 0).sum());
	}

	@Override
	public Collection<SocketBoxConnection> getLocalConnections() {
		return this.connections.getAll();
	}

	/**
	 * Handle an envelope from an authenticated peer.
	 */
	void onEnvelope(PeerLink link, Envelope envelope) {
		if (this.debug) {
			logger.info("Received " + envelope.type() + " " + envelope.id() + " from " + link.peerName()
					+ ((envelope.target() != null) ? " for " + envelope.target() : ""));
		}
		switch (envelope.type()) {
			case Envelope.BROADCAST -> {
				if (envelope.payload() != null) {
					this.connections.broadcast(new TextMessage(envelope.payload()));
				}
			}
			case Envelope.SEND -> {
				boolean sent = envelope.target() != null && envelope.payload() != null
						&& this.connections.send(envelope.target(), new TextMessage(envelope.payload()));
				reply(link, envelope, sent ? 1 : 0);
			}
			case Envelope.USER -> {
				int count = (envelope.target() != null && envelope.payload() != null)
						? this.connections.sendToUser(envelope.target(), new TextMessage(envelope.payload())) : 0;
				reply(link, envelope, count);
			}
			case Envelope.ACK -> {
				PendingReply pending = (envelope.id() != null) ? this.pendingReplies.get(envelope.id()) : null;
				if (pending != null && pending.peerId().equals(link.peerId()) && envelope.count() != null) {
					pending.future().complete(Math.max(0, envelope.count()));
				}
			}
			case Envelope.LEAVE -> this.leaveListener.accept(link.peerId());
			default -> link.close(CloseStatus.POLICY_VIOLATION.withReason("Unknown frame type " + envelope.type()));
		}
	}

	private void reply(PeerLink link, Envelope request, int count) {
		if (request.id() != null) {
			link.send(this.codec.write(Envelope.ack(this.localNode.getId(), request.id(), count)));
		}
	}

	private CompletableFuture<Integer> request(String peerId, String id, Envelope envelope) {
		PeerLink link = this.links.get(peerId);
		if (link == null) {
			return CompletableFuture.completedFuture(LINK_LOST);
		}
		if (this.debug) {
			logger.info("Sending " + envelope.type() + " " + id + " to " + link.peerName() + " for " + envelope.target());
		}
		CompletableFuture<Integer> future = new CompletableFuture<>();
		this.pendingReplies.put(id, new PendingReply(peerId, future));
		future.completeOnTimeout(TIMED_OUT, this.replyTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((count, ex) -> this.pendingReplies.remove(id));
		if (!link.send(this.codec.write(envelope))) {
			future.complete(LINK_LOST);
		}
		return future;
	}

	private void failPendingReplies(String peerId) {
		this.pendingReplies.values()
			.stream()
			.filter((pending) -> pending.peerId().equals(peerId))
			.forEach((pending) -> pending.future().complete(LINK_LOST));
	}

	private static SendResult toSendResult(int count) {
		return switch (count) {
			case LINK_LOST -> SendResult.NODE_UNREACHABLE;
			case TIMED_OUT -> SendResult.TIMED_OUT;
			case 0 -> SendResult.UNKNOWN_CONNECTION;
			default -> SendResult.DELIVERED;
		};
	}

	private String toText(Object payload) {
		return (payload instanceof String text) ? text : this.payloadWriter.apply(payload);
	}

	private String nextId() {
		return this.localNode.getId() + "-" + this.sequence.incrementAndGet();
	}

	private record PendingReply(String peerId, CompletableFuture<Integer> future) {

	}

}

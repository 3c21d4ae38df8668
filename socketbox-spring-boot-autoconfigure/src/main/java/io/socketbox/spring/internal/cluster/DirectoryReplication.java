package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.internal.DirectoryUpdates;
import io.socketbox.spring.internal.LocalNode;

/**
 * Replicates the {@link ConnectionDirectory} over the peer links. A change of this node
 * is numbered by the directory and queued on every channel under the directory's lock,
 * so every peer receives the changes in order and the channels resend what a link lost;
 * each new link first gets a snapshot of this node's connections, in parts that fit a
 * frame. What peers send is applied in the order they sent it; a change out of order or
 * for another node's connections closes the link. A peer whose channel gives up
 * (unreachable after the heartbeat timeout, expired, left or forgotten) loses its
 * connections at the next sweep, one heartbeat interval at most.
 */
final class DirectoryReplication implements DirectoryUpdates {

	private static final Log logger = LogFactory.getLog(DirectoryReplication.class);

	/** Room for the envelope around a part and for escaping its JSON in a string. */
	private static final int PART_OVERHEAD = 512;

	private final LocalNode localNode;

	private final ConnectionDirectory directory;

	private final ClusterMessaging messaging;

	private final Peers peers;

	private final ScheduledExecutorService scheduler;

	private final Duration sweepInterval;

	private final int maxPartSize;

	private final JsonMapper mapper = JsonMapper.shared();

	private final AtomicBoolean sweeping = new AtomicBoolean();

	/** The peers whose whole snapshot has arrived since this node started. */
	private final Set<String> snapshots = ConcurrentHashMap.newKeySet();

	DirectoryReplication(LocalNode localNode, ConnectionDirectory directory, ClusterMessaging messaging, Peers peers,
			ScheduledExecutorService scheduler, Duration sweepInterval, int maxFrameSize) {
		this.localNode = localNode;
		this.directory = directory;
		this.messaging = messaging;
		this.peers = peers;
		this.scheduler = scheduler;
		this.sweepInterval = sweepInterval;
		// A part is JSON inside a JSON string: each character may take two when escaped
		this.maxPartSize = Math.max(PART_OVERHEAD, (maxFrameSize - PART_OVERHEAD) / 2);
	}

	ConnectionDirectory directory() {
		return this.directory;
	}

	@Override
	public void opened(ClusterConnection connection) {
		this.directory.opened(connection, (change) -> this.messaging.replicate(envelope(Frame.of(change))));
	}

	@Override
	public void closed(String connectionId) {
		this.directory.closed(connectionId, (change) -> this.messaging.replicate(envelope(Frame.of(change))));
	}

	/**
	 * Send a peer whose link has just come up a snapshot of this node's connections,
	 * after whatever its channel resends.
	 * @param peerId the peer
	 */
	void linkUp(String peerId) {
		startSweeping();
		this.directory.snapshot((snapshot) -> {
			for (ConnectionDirectory.SnapshotPart part : parts(snapshot)) {
				if (!this.messaging.replicateTo(peerId, envelope(Frame.of(part)))) {
					return;
				}
			}
		});
	}

	/**
	 * Return whether a peer's whole snapshot has arrived since this node started.
	 * @param peerId the peer
	 * @return whether this node knows its connections
	 */
	boolean hasSnapshotOf(String peerId) {
		return this.snapshots.contains(peerId);
	}

	/**
	 * Forget the connections of a peer that left.
	 * @param peerId the peer
	 */
	void left(String peerId) {
		this.directory.nodeDown(peerId);
	}

	/**
	 * Apply a directory frame that a peer sent, in the order it sent it.
	 * @param peerId the peer
	 * @param payload the frame's payload
	 * @return why the link must be closed, or {@code null}
	 */
	@Nullable String receive(String peerId, @Nullable String payload) {
		if (payload == null) {
			return "Directory frame without a payload";
		}
		Frame frame;
		try {
			frame = this.mapper.readValue(payload, Frame.class);
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			return "Unreadable directory frame: " + ex.getMessage();
		}
		if (frame.node() == null || frame.k() == null) {
			return "Directory frame without a node or a kind";
		}
		return switch (frame.k()) {
			case Frame.OPEN, Frame.CLOSE -> {
				if (frame.id() == null) {
					yield "Directory change without a connection id";
				}
				ClusterConnection connection = null;
				if (Frame.OPEN.equals(frame.k())) {
					if (frame.c() == null || frame.c().size() != 1) {
						yield "Directory change without its connection";
					}
					connection = frame.c().get(0);
				}
				yield this.directory.apply(peerId, new ConnectionDirectory.Change(frame.node(), frame.v(),
						Frame.OPEN.equals(frame.k()), frame.id(), connection));
			}
			case Frame.SNAPSHOT -> {
				String violation = this.directory.applySnapshot(peerId,
						new ConnectionDirectory.SnapshotPart(frame.node(), frame.v(),
								(frame.part() != null) ? frame.part() : 0, Boolean.TRUE.equals(frame.last()), frame.c()));
				if (violation == null && Boolean.TRUE.equals(frame.last())) {
					this.snapshots.add(peerId);
				}
				yield violation;
			}
			default -> "Unknown directory frame kind " + frame.k();
		};
	}

	/**
	 * Forget the connections of every node whose channel has given up or gone.
	 */
	void sweep() {
		for (String nodeId : this.directory.remoteNodeIds()) {
			if (!this.peers.isReachable(nodeId)) {
				if (logger.isDebugEnabled()) {
					logger.debug("Forgetting the connections of " + nodeId + ": unreachable or gone");
				}
				this.directory.nodeDown(nodeId);
			}
		}
	}

	/**
	 * Sweep once per heartbeat interval from the first link on; the node's scheduler
	 * ends with the node.
	 */
	private void startSweeping() {
		if (this.sweeping.compareAndSet(false, true)) {
			long period = Math.max(1, this.sweepInterval.toMillis());
			this.scheduler.scheduleWithFixedDelay(() -> {
				try {
					sweep();
				}
				catch (RuntimeException ex) {
					logger.warn("Directory sweep failed", ex);
				}
			}, period, period, TimeUnit.MILLISECONDS);
		}
	}

	private List<ConnectionDirectory.SnapshotPart> parts(ConnectionDirectory.Snapshot snapshot) {
		List<ConnectionDirectory.SnapshotPart> parts = new ArrayList<>();
		List<ClusterConnection> current = new ArrayList<>();
		int size = 0;
		for (ClusterConnection connection : snapshot.connections()) {
			int entrySize = this.mapper.writeValueAsString(connection).length();
			if (!current.isEmpty() && size + entrySize > this.maxPartSize) {
				parts.add(new ConnectionDirectory.SnapshotPart(snapshot.nodeId(), snapshot.version(), parts.size(),
						false, current));
				current = new ArrayList<>();
				size = 0;
			}
			current.add(connection);
			size += entrySize + 1;
		}
		parts.add(new ConnectionDirectory.SnapshotPart(snapshot.nodeId(), snapshot.version(), parts.size(), true,
				current));
		return parts;
	}

	private Envelope envelope(Frame frame) {
		return Envelope.directory(this.localNode.getId(), this.mapper.writeValueAsString(frame));
	}

	/**
	 * The payload of a directory frame.
	 *
	 * @param k the kind: {@code open}, {@code close} or {@code snap}
	 * @param node the node whose connections it is about
	 * @param v that node's directory version
	 * @param id the connection id, in a change
	 * @param c the connection that opened, or the connections of a snapshot part
	 * @param part the number of a snapshot part, from 0
	 * @param last whether it is the last snapshot part
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record Frame(@Nullable String k, @Nullable String node, long v, @Nullable String id,
			@Nullable List<ClusterConnection> c, @Nullable Integer part, @Nullable Boolean last) {

		static final String OPEN = "open";

		static final String CLOSE = "close";

		static final String SNAPSHOT = "snap";

		static Frame of(ConnectionDirectory.Change change) {
			return new Frame(change.opened() ? OPEN : CLOSE, change.nodeId(), change.version(), change.connectionId(),
					(change.connection() != null) ? List.of(change.connection()) : null, null, null);
		}

		static Frame of(ConnectionDirectory.SnapshotPart part) {
			return new Frame(SNAPSHOT, part.nodeId(), part.version(), null, part.connections(), part.index(),
					part.last());
		}

	}

}

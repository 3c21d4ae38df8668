package io.socketbox.spring.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionClosedEvent;
import io.socketbox.spring.ConnectionOpenedEvent;
import io.socketbox.spring.SocketBoxDirectory;

import org.springframework.context.ApplicationEvent;

/**
 * The connections of the cluster as this node knows them: one view per node, each with
 * the version of the last change of that node applied. This node numbers the changes of
 * its own connections; another node's view changes only by the changes and snapshots that
 * node sends, in order, and goes when that node is detected down or leaves.
 * <p>
 * Knows nothing of links: the cluster replicates what {@link #opened}, {@link #closed}
 * and {@link #snapshot} hand to their sinks (under this directory's lock, so that the
 * sink sees versions in order), and gives back what peers sent to {@link #apply} and
 * {@link #applySnapshot}. Events are queued under the lock and published after it is
 * released, in the order of the changes, so a listener may call back into the directory.
 * They are published on the executor the directory is given: in a cluster a thread of
 * its own, so that a slow listener never holds up the thread that reads a peer link.
 * <p>
 * Internal to SocketBox, public for the auto-configuration and the {@code cluster}
 * package.
 */
public final class ConnectionDirectory implements SocketBoxDirectory {

	private static final Log logger = LogFactory.getLog(ConnectionDirectory.class);

	private final String localNodeId;

	private final long maxAttributesSize;

	private final Consumer<ApplicationEvent> eventPublisher;

	private final Executor publishingExecutor;

	private final Function<String, @Nullable String> heirOf;

	private final Object lock = new Object();

	/** Guarded by {@link #lock}. */
	private final Map<String, NodeView> nodes = new HashMap<>();

	private final Queue<ApplicationEvent> events = new ConcurrentLinkedQueue<>();

	private final ReentrantLock publishing = new ReentrantLock();

	/**
	 * Create a directory.
	 * @param localNodeId the id of this node
	 * @param maxAttributesSize the largest size of the published attributes of one
	 * connection, in UTF-8 bytes of their keys and values
	 * @param eventPublisher publishes {@link ConnectionOpenedEvent} and
	 * {@link ConnectionClosedEvent}
	 */
	public ConnectionDirectory(String localNodeId, long maxAttributesSize,
			Consumer<ApplicationEvent> eventPublisher) {
		this(localNodeId, maxAttributesSize, eventPublisher, Runnable::run);
	}

	/**
	 * Create a directory that publishes its events on an executor.
	 * @param localNodeId the id of this node
	 * @param maxAttributesSize the largest size of the published attributes of one
	 * connection, in UTF-8 bytes of their keys and values
	 * @param eventPublisher publishes {@link ConnectionOpenedEvent} and
	 * {@link ConnectionClosedEvent}
	 * @param publishingExecutor runs the publishing of queued events; events stay in
	 * order whatever its threads
	 */
	public ConnectionDirectory(String localNodeId, long maxAttributesSize, Consumer<ApplicationEvent> eventPublisher,
			Executor publishingExecutor) {
		this(localNodeId, maxAttributesSize, eventPublisher, publishingExecutor, (connectionId) -> null);
	}

	/**
	 * Create a directory that publishes its events on an executor, for a node that hands
	 * its sessions over as it stops.
	 * @param localNodeId the id of this node
	 * @param maxAttributesSize the largest size of the published attributes of one
	 * connection, in UTF-8 bytes of their keys and values
	 * @param eventPublisher publishes {@link ConnectionOpenedEvent} and
	 * {@link ConnectionClosedEvent}
	 * @param publishingExecutor runs the publishing of queued events; events stay in
	 * order whatever its threads
	 * @param heirOf the node this node handed a session of its own to, or {@code null}:
	 * that node, and only that one, may list it
	 */
	public ConnectionDirectory(String localNodeId, long maxAttributesSize, Consumer<ApplicationEvent> eventPublisher,
			Executor publishingExecutor, Function<String, @Nullable String> heirOf) {
		this.localNodeId = localNodeId;
		this.maxAttributesSize = maxAttributesSize;
		this.eventPublisher = eventPublisher;
		this.publishingExecutor = publishingExecutor;
		this.heirOf = heirOf;
		this.nodes.put(localNodeId, new NodeView(0));
	}

	/**
	 * Check what a connection publishes, its user name and attributes, against the size
	 * limit, so that every entry fits a frame.
	 * @param connection the connection
	 * @param maxSize the largest size, in UTF-8 bytes of the user name, keys and values
	 * @throws IllegalArgumentException when it is larger
	 */
	public static void checkPublished(ClusterConnection connection, long maxSize) {
		long size = (connection.user() != null) ? connection.user().getBytes(StandardCharsets.UTF_8).length : 0;
		for (Map.Entry<String, String> entry : connection.attributes().entrySet()) {
			size += entry.getKey().getBytes(StandardCharsets.UTF_8).length
					+ entry.getValue().getBytes(StandardCharsets.UTF_8).length;
		}
		if (size > maxSize) {
			throw new IllegalArgumentException("Connection " + connection.id()
					+ " publishes a user name and attributes of " + size + " bytes, more than the " + maxSize
					+ " that socketbox.directory.max-attributes-size allows; publish less or raise the limit");
		}
	}

	/**
	 * Return updates that only record the changes of this node, for a single node.
	 * @return the updates
	 */
	public DirectoryUpdates localUpdates() {
		return new DirectoryUpdates() {

			@Override
			public void opened(ClusterConnection connection) {
				ConnectionDirectory.this.opened(connection, (change) -> {
				});
			}

			@Override
			public void closed(String connectionId) {
				ConnectionDirectory.this.closed(connectionId, (change) -> {
				});
			}

		};
	}

	/**
	 * Record a connection of this node that opened.
	 * @param connection the connection
	 * @param sink takes the change to replicate, under the directory's lock
	 * @throws IllegalArgumentException when its attributes are too large or it belongs to
	 * another node
	 */
	public void opened(ClusterConnection connection, Consumer<Change> sink) {
		checkPublished(connection, this.maxAttributesSize);
		// A session handed over from another node keeps its id, and that node's prefix
		if (!this.localNodeId.equals(connection.nodeId())) {
			throw new IllegalArgumentException("Connection " + connection.id() + " is not a connection of this node");
		}
		synchronized (this.lock) {
			NodeView view = this.nodes.get(this.localNodeId);
			if (view.entries.containsKey(connection.id())) {
				return;
			}
			view.version++;
			view.entries.put(connection.id(), connection);
			this.events.add(new ConnectionOpenedEvent(this, connection, true));
			sink.accept(new Change(this.localNodeId, view.version, true, connection.id(), connection));
		}
		publishEvents();
	}

	/**
	 * Record a connection of this node that closed.
	 * @param connectionId the connection id
	 * @param sink takes the change to replicate, under the directory's lock
	 */
	public void closed(String connectionId, Consumer<Change> sink) {
		synchronized (this.lock) {
			NodeView view = this.nodes.get(this.localNodeId);
			ClusterConnection removed = view.entries.remove(connectionId);
			if (removed == null) {
				return;
			}
			view.version++;
			this.events.add(new ConnectionClosedEvent(this, removed, true));
			sink.accept(new Change(this.localNodeId, view.version, false, connectionId, null));
		}
		publishEvents();
	}

	/**
	 * Hand the connections of this node and their version to a sink, under the
	 * directory's lock, so that no change is numbered between the snapshot and what the
	 * sink queues.
	 * @param sink takes the snapshot
	 */
	public void snapshot(Consumer<Snapshot> sink) {
		synchronized (this.lock) {
			NodeView view = this.nodes.get(this.localNodeId);
			sink.accept(new Snapshot(this.localNodeId, view.version, List.copyOf(view.entries.values())));
		}
	}

	/**
	 * Apply a change that a peer sent. A change of a node whose snapshot has not come yet,
	 * or one already covered by the last snapshot, is skipped.
	 * @param peerId the id of the peer that sent it
	 * @param change the change
	 * @return why the link must be closed, or {@code null}
	 */
	public @Nullable String apply(String peerId, Change change) {
		String violation = checkOwner(peerId, change.nodeId(), change.connectionId());
		if (violation != null) {
			return violation;
		}
		if (change.opened() && (change.connection() == null || !change.connectionId().equals(change.connection().id())
				|| !peerId.equals(change.connection().nodeId()))) {
			return "Directory change for " + change.connectionId() + " without a matching connection";
		}
		if (change.connection() != null && !fits(change.connection())) {
			return "Directory entry " + change.connectionId() + " with attributes larger than " + this.maxAttributesSize
					+ " bytes";
		}
		synchronized (this.lock) {
			NodeView view = this.nodes.get(peerId);
			if (view == null || change.version() <= view.version) {
				return null;
			}
			if (change.version() != view.version + 1) {
				return "Directory change " + change.version() + " of " + peerId + " after " + view.version;
			}
			view.version = change.version();
			if (change.opened()) {
				ClusterConnection previous = view.entries.put(change.connectionId(), change.connection());
				if (previous == null) {
					this.events.add(new ConnectionOpenedEvent(this, change.connection(), false));
				}
			}
			else {
				ClusterConnection removed = view.entries.remove(change.connectionId());
				if (removed != null) {
					this.events.add(new ConnectionClosedEvent(this, removed, false));
				}
			}
		}
		publishEvents();
		return null;
	}

	/**
	 * Apply one part of a snapshot that a peer sent. The last part replaces the view of
	 * that node: what it no longer holds closes, what is new opens.
	 * @param peerId the id of the peer that sent it
	 * @param part the part
	 * @return why the link must be closed, or {@code null}
	 */
	public @Nullable String applySnapshot(String peerId, SnapshotPart part) {
		if (!peerId.equals(part.nodeId())) {
			return "Directory snapshot of " + part.nodeId() + " from " + peerId;
		}
		for (ClusterConnection connection : part.connections()) {
			String violation = checkOwner(peerId, connection.nodeId(), connection.id());
			if (violation != null) {
				return violation;
			}
			if (!fits(connection)) {
				return "Directory entry " + connection.id() + " with attributes larger than " + this.maxAttributesSize
						+ " bytes";
			}
		}
		synchronized (this.lock) {
			NodeView view = this.nodes.computeIfAbsent(peerId, (id) -> new NodeView(-1));
			if (part.index() == 0) {
				view.incoming = new LinkedHashMap<>();
				view.incomingVersion = part.version();
			}
			else if (view.incoming == null || view.incomingIndex + 1 != part.index()
					|| view.incomingVersion != part.version()) {
				return "Directory snapshot part " + part.index() + " of " + peerId + " out of order";
			}
			view.incomingIndex = part.index();
			for (ClusterConnection connection : part.connections()) {
				view.incoming.put(connection.id(), connection);
			}
			if (part.last()) {
				replace(view, view.incoming, part.version());
				view.incoming = null;
			}
		}
		publishEvents();
		return null;
	}

	/**
	 * Forget the connections of a node that is down or left, with a closed event for
	 * each. Its view comes back with its next snapshot.
	 * @param nodeId the node id
	 */
	public void nodeDown(String nodeId) {
		if (this.localNodeId.equals(nodeId)) {
			return;
		}
		synchronized (this.lock) {
			NodeView view = this.nodes.remove(nodeId);
			if (view != null) {
				for (ClusterConnection connection : view.entries.values()) {
					this.events.add(new ConnectionClosedEvent(this, connection, false));
				}
			}
		}
		publishEvents();
	}

	/**
	 * Return the ids of the other nodes this directory holds a view of.
	 * @return a copy
	 */
	public Set<String> remoteNodeIds() {
		synchronized (this.lock) {
			Set<String> ids = new HashSet<>(this.nodes.keySet());
			ids.remove(this.localNodeId);
			return ids;
		}
	}

	/**
	 * Return the node that lists a connection.
	 * @param connectionId the connection id
	 * @return the node's id, or {@code null} if no node lists it
	 */
	public @Nullable String nodeOfConnection(String connectionId) {
		synchronized (this.lock) {
			for (Map.Entry<String, NodeView> node : this.nodes.entrySet()) {
				if (node.getValue().entries.containsKey(connectionId)) {
					return node.getKey();
				}
			}
		}
		return null;
	}

	/**
	 * Return the ids of the nodes that hold a connection of a user.
	 * @param user the principal name
	 * @return a copy
	 */
	public Set<String> nodesOf(String user) {
		Set<String> ids = new HashSet<>();
		synchronized (this.lock) {
			for (Map.Entry<String, NodeView> node : this.nodes.entrySet()) {
				for (ClusterConnection connection : node.getValue().entries.values()) {
					if (user.equals(connection.user())) {
						ids.add(node.getKey());
						break;
					}
				}
			}
		}
		return ids;
	}

	@Override
	public Collection<ClusterConnection> getConnections() {
		List<ClusterConnection> all = new ArrayList<>();
		synchronized (this.lock) {
			for (NodeView view : this.nodes.values()) {
				all.addAll(view.entries.values());
			}
		}
		return all;
	}

	@Override
	public int getConnectionCount() {
		int count = 0;
		synchronized (this.lock) {
			for (NodeView view : this.nodes.values()) {
				count += view.entries.size();
			}
		}
		return count;
	}

	@Override
	public Collection<ClusterConnection> getConnections(String user) {
		List<ClusterConnection> found = new ArrayList<>();
		synchronized (this.lock) {
			for (NodeView view : this.nodes.values()) {
				for (ClusterConnection connection : view.entries.values()) {
					if (user.equals(connection.user())) {
						found.add(connection);
					}
				}
			}
		}
		return found;
	}

	@Override
	public boolean isOnline(String user) {
		synchronized (this.lock) {
			for (NodeView view : this.nodes.values()) {
				for (ClusterConnection connection : view.entries.values()) {
					if (user.equals(connection.user())) {
						return true;
					}
				}
			}
		}
		return false;
	}

	@Override
	public Map<String, Integer> getConnectionCounts() {
		Map<String, Integer> counts = new HashMap<>();
		synchronized (this.lock) {
			this.nodes.forEach((id, view) -> {
				if (!view.entries.isEmpty()) {
					counts.put(id, view.entries.size());
				}
			});
		}
		return counts;
	}

	private boolean fits(ClusterConnection connection) {
		try {
			checkPublished(connection, this.maxAttributesSize);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/**
	 * A peer lists its own connections: those it started, and sessions handed over to it,
	 * which keep the id of the node they started on; one of this node's only if this node
	 * handed it to that peer (as it stops, while the peer's entry comes back to it).
	 */
	private @Nullable String checkOwner(String peerId, String nodeId, String connectionId) {
		String prefix = LocalNode.nodeIdOf(connectionId);
		if (!peerId.equals(nodeId) || prefix == null
				|| (prefix.equals(this.localNodeId) && !peerId.equals(this.heirOf.apply(connectionId)))) {
			return "Directory entry " + connectionId + " of " + nodeId + " from " + peerId;
		}
		return null;
	}

	private void replace(NodeView view, Map<String, ClusterConnection> entries, long version) {
		for (ClusterConnection connection : view.entries.values()) {
			if (!entries.containsKey(connection.id())) {
				this.events.add(new ConnectionClosedEvent(this, connection, false));
			}
		}
		for (ClusterConnection connection : entries.values()) {
			if (!view.entries.containsKey(connection.id())) {
				this.events.add(new ConnectionOpenedEvent(this, connection, false));
			}
		}
		view.entries.clear();
		view.entries.putAll(entries);
		view.version = version;
	}

	/**
	 * Publish the queued events in order, on the publishing executor.
	 */
	private void publishEvents() {
		if (this.events.isEmpty()) {
			return;
		}
		try {
			this.publishingExecutor.execute(this::drainEvents);
		}
		catch (RejectedExecutionException ex) {
			// The node is shutting down: nobody is left to tell
			this.events.clear();
		}
	}

	/**
	 * Publish the queued events in order, on one thread at a time and outside the
	 * directory's lock. A thread that finds another publishing leaves its events to it.
	 */
	private void drainEvents() {
		while (!this.events.isEmpty() && this.publishing.tryLock()) {
			try {
				ApplicationEvent event;
				while ((event = this.events.poll()) != null) {
					try {
						this.eventPublisher.accept(event);
					}
					catch (RuntimeException ex) {
						// A failing listener must not stop the others' events
						logger.warn("A listener of " + event.getClass().getSimpleName() + " failed", ex);
					}
				}
			}
			finally {
				this.publishing.unlock();
			}
		}
	}

	/**
	 * A change of one node's connections.
	 *
	 * @param nodeId the node that holds the connection
	 * @param version the node's directory version after the change
	 * @param opened whether the connection opened, else closed
	 * @param connectionId the connection id
	 * @param connection the connection, when it opened
	 */
	public record Change(String nodeId, long version, boolean opened, String connectionId,
			@Nullable ClusterConnection connection) {

		public Change {
			Objects.requireNonNull(nodeId, "nodeId");
			Objects.requireNonNull(connectionId, "connectionId");
		}

	}

	/**
	 * The connections of one node at one version.
	 *
	 * @param nodeId the node
	 * @param version its directory version
	 * @param connections its connections
	 */
	public record Snapshot(String nodeId, long version, List<ClusterConnection> connections) {

		/**
		 * Split this snapshot into parts of at most the given number of connections.
		 * @param maxConnections the most connections in one part
		 * @return at least one part, the last one marked
		 */
		public List<SnapshotPart> parts(int maxConnections) {
			int size = Math.max(1, maxConnections);
			List<SnapshotPart> parts = new ArrayList<>();
			int count = Math.max(1, (this.connections.size() + size - 1) / size);
			for (int i = 0; i < count; i++) {
				List<ClusterConnection> chunk = this.connections.subList(Math.min(i * size, this.connections.size()),
						Math.min((i + 1) * size, this.connections.size()));
				parts.add(new SnapshotPart(this.nodeId, this.version, i, i == count - 1, List.copyOf(chunk)));
			}
			return parts;
		}

	}

	/**
	 * One part of a snapshot, small enough for one frame.
	 *
	 * @param nodeId the node
	 * @param version its directory version
	 * @param index the number of the part, from 0
	 * @param last whether it is the last part
	 * @param connections the connections in this part
	 */
	public record SnapshotPart(String nodeId, long version, int index, boolean last,
			List<ClusterConnection> connections) {

		public SnapshotPart {
			Objects.requireNonNull(nodeId, "nodeId");
			connections = (connections != null) ? List.copyOf(connections) : List.of();
		}

	}

	private static final class NodeView {

		private long version;

		private final Map<String, ClusterConnection> entries = new LinkedHashMap<>();

		private @Nullable Map<String, ClusterConnection> incoming;

		private long incomingVersion;

		private int incomingIndex;

		NodeView(long version) {
			this.version = version;
		}

	}

}

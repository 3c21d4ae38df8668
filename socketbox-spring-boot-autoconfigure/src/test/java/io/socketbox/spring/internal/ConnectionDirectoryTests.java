package io.socketbox.spring.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionClosedEvent;
import io.socketbox.spring.ConnectionOpenedEvent;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConnectionDirectory} on plain objects: snapshots, changes in and out
 * of order, entries of another node, nodes that go down, and the events.
 */
class ConnectionDirectoryTests {

	private final List<String> events = new ArrayList<>();

	private final ConnectionDirectory directory = new ConnectionDirectory("b", 1024, this::record);

	private final List<ConnectionDirectory.Change> sent = new ArrayList<>();

	private void record(ApplicationEvent event) {
		if (event instanceof ConnectionOpenedEvent opened) {
			this.events.add("opened " + opened.getConnection().id() + (opened.isLocal() ? " local" : ""));
		}
		else if (event instanceof ConnectionClosedEvent closed) {
			this.events.add("closed " + closed.getConnection().id() + (closed.isLocal() ? " local" : ""));
		}
	}

	private static ClusterConnection connection(String node, int n, String user) {
		return new ClusterConnection(node + "." + n, node, user, Map.of());
	}

	private static ConnectionDirectory.SnapshotPart snapshot(String node, long version, ClusterConnection... entries) {
		return new ConnectionDirectory.SnapshotPart(node, version, 0, true, List.of(entries));
	}

	@Test
	void localChangesAreNumberedAndPublished() {
		this.directory.opened(connection("b", 1, "ann"), this.sent::add);
		this.directory.opened(connection("b", 2, null), this.sent::add);
		this.directory.closed("b.1", this.sent::add);
		this.directory.closed("b.1", this.sent::add);
		assertThat(this.sent).extracting(ConnectionDirectory.Change::version).containsExactly(1L, 2L, 3L);
		assertThat(this.events).containsExactly("opened b.1 local", "opened b.2 local", "closed b.1 local");
		assertThat(this.directory.getConnectionCount()).isOne();
		assertThat(this.directory.isOnline("ann")).isFalse();
		List<ConnectionDirectory.Snapshot> snapshots = new ArrayList<>();
		this.directory.snapshot(snapshots::add);
		assertThat(snapshots).singleElement().satisfies((snapshot) -> {
			assertThat(snapshot.version()).isEqualTo(3);
			assertThat(snapshot.connections()).extracting(ClusterConnection::id).containsExactly("b.2");
		});
	}

	@Test
	void snapshotThenChangesInOrder() {
		assertThat(this.directory.applySnapshot("a", snapshot("a", 4, connection("a", 1, "ann")))).isNull();
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 5, true, "a.2", connection("a", 2, "bob"))))
			.isNull();
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 6, false, "a.1", null))).isNull();
		assertThat(this.directory.getConnections()).extracting(ClusterConnection::id).containsExactly("a.2");
		assertThat(this.directory.isOnline("bob")).isTrue();
		assertThat(this.directory.nodesOf("bob")).containsExactly("a");
		assertThat(this.directory.getConnectionCounts()).containsExactly(Map.entry("a", 1));
		assertThat(this.events).containsExactly("opened a.1", "opened a.2", "closed a.1");
	}

	@Test
	void changesBeforeTheFirstSnapshotOrAlreadyInItAreSkipped() {
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 3, true, "a.1", connection("a", 1, null))))
			.isNull();
		assertThat(this.directory.getConnectionCount()).isZero();
		this.directory.applySnapshot("a", snapshot("a", 3, connection("a", 1, null)));
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 3, true, "a.1", connection("a", 1, null))))
			.isNull();
		assertThat(this.events).containsExactly("opened a.1");
	}

	@Test
	void changeOutOfOrderIsAViolation() {
		this.directory.applySnapshot("a", snapshot("a", 1));
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 3, false, "a.1", null)))
			.contains("Directory change 3 of a after 1");
	}

	@Test
	void entriesOfAnotherNodeAreAViolation() {
		this.directory.applySnapshot("a", snapshot("a", 1));
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("c", 2, false, "c.1", null))).isNotNull();
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 2, true, "a.1", connection("c", 1, null))))
			.isNotNull();
		assertThat(this.directory.applySnapshot("a", snapshot("c", 1))).isNotNull();
		assertThat(this.directory.applySnapshot("a", snapshot("a", 1, connection("c", 1, null)))).isNotNull();
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("b", 1, true, "b.1", connection("b", 1, null))))
			.isNotNull();
		// Never one of this node's own connections, even listed as the peer's
		assertThat(this.directory.apply("a",
				new ConnectionDirectory.Change("a", 2, true, "b.7", new ClusterConnection("b.7", "a", null, Map.of()))))
			.isNotNull();
		assertThat(this.directory.getConnectionCount()).isZero();
		assertThat(this.events).isEmpty();
	}

	@Test
	void aPeerListsASessionHandedToItUnderTheIdOfTheNodeItStartedOn() {
		this.directory.applySnapshot("a", snapshot("a", 1));
		ClusterConnection handedOver = new ClusterConnection("c.1", "a", "alice", Map.of());
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 2, true, "c.1", handedOver))).isNull();
		assertThat(this.directory.nodeOfConnection("c.1")).isEqualTo("a");
		assertThat(this.directory.isOnline("alice")).isTrue();
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 3, false, "c.1", null))).isNull();
		assertThat(this.directory.nodeOfConnection("c.1")).isNull();
	}

	@Test
	void aSessionOfThisNodeIsListedOnlyByThePeerThisNodeHandedItTo() {
		ConnectionDirectory stopping = new ConnectionDirectory("b", 1024, this::record, Runnable::run,
				(connectionId) -> "b.7".equals(connectionId) ? "a" : null);
		stopping.applySnapshot("a", snapshot("a", 1));
		stopping.applySnapshot("c", snapshot("c", 1));
		ClusterConnection handedOver = new ClusterConnection("b.7", "a", "alice", Map.of());
		assertThat(stopping.apply("c", new ConnectionDirectory.Change("c", 2, true, "b.7",
				new ClusterConnection("b.7", "c", "alice", Map.of()))))
			.isEqualTo("Directory entry b.7 of c from c");
		assertThat(stopping.apply("a", new ConnectionDirectory.Change("a", 2, true, "b.8",
				new ClusterConnection("b.8", "a", null, Map.of()))))
			.isEqualTo("Directory entry b.8 of a from a");
		assertThat(stopping.apply("a", new ConnectionDirectory.Change("a", 2, true, "b.7", handedOver))).isNull();
		assertThat(stopping.nodeOfConnection("b.7")).isEqualTo("a");
		assertThat(stopping.applySnapshot("a", snapshot("a", 4, handedOver))).isNull();
	}

	@Test
	void aNewSnapshotReplacesTheViewWithOneEventPerDifference() {
		this.directory.applySnapshot("a", snapshot("a", 2, connection("a", 1, null), connection("a", 2, null)));
		this.directory.applySnapshot("a", snapshot("a", 9, connection("a", 2, null), connection("a", 3, null)));
		assertThat(this.directory.getConnections()).extracting(ClusterConnection::id).containsExactly("a.2", "a.3");
		assertThat(this.events).containsExactly("opened a.1", "opened a.2", "closed a.1", "opened a.3");
	}

	@Test
	void snapshotInParts() {
		List<ClusterConnection> entries = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			entries.add(connection("a", i, null));
		}
		List<ConnectionDirectory.SnapshotPart> parts = new ConnectionDirectory.Snapshot("a", 7, entries).parts(2);
		assertThat(parts).hasSize(3);
		assertThat(this.directory.applySnapshot("a", parts.get(0))).isNull();
		assertThat(this.directory.applySnapshot("a", parts.get(1))).isNull();
		assertThat(this.directory.getConnectionCount()).isZero();
		assertThat(this.directory.applySnapshot("a", parts.get(2))).isNull();
		assertThat(this.directory.getConnectionCount()).isEqualTo(5);
		assertThat(this.directory.applySnapshot("a", parts.get(2))).contains("out of order");
		assertThat(new ConnectionDirectory.Snapshot("a", 0, List.of()).parts(2)).singleElement()
			.satisfies((part) -> assertThat(part.last()).isTrue());
	}

	@Test
	void aNodeDownClosesEachOfItsConnectionsOnce() {
		this.directory.applySnapshot("a", snapshot("a", 2, connection("a", 1, null), connection("a", 2, null)));
		this.directory.nodeDown("a");
		this.directory.nodeDown("a");
		this.directory.nodeDown("b");
		assertThat(this.directory.getConnectionCount()).isZero();
		assertThat(this.directory.remoteNodeIds()).isEmpty();
		assertThat(this.events).containsExactly("opened a.1", "opened a.2", "closed a.1", "closed a.2");
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 3, false, "a.1", null))).isNull();
		assertThat(this.events).hasSize(4);
	}

	@Test
	void oversizedAttributesAreRefused() {
		ClusterConnection big = new ClusterConnection("b.1", "b", null, Map.of("k", "x".repeat(1024)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.directory.opened(big, this.sent::add))
			.withMessageContaining("socketbox.directory.max-attributes-size");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.directory.opened(new ClusterConnection("b.2", "b", "u".repeat(1025), Map.of()),
					this.sent::add))
			.withMessageContaining("user name and attributes of 1025 bytes");
		assertThat(this.sent).isEmpty();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.directory.opened(connection("a", 1, null), this.sent::add));
	}

	@Test
	void aPeerThatSendsOversizedAttributesIsAViolation() {
		ClusterConnection big = new ClusterConnection("a.1", "a", null, Map.of("k", "x".repeat(1024)));
		assertThat(this.directory.applySnapshot("a", snapshot("a", 1, big))).contains("larger than 1024");
		this.directory.applySnapshot("a", snapshot("a", 1));
		assertThat(this.directory.apply("a", new ConnectionDirectory.Change("a", 2, true, "a.1", big)))
			.contains("larger than 1024");
		assertThat(this.directory.getConnectionCount()).isZero();
	}

	@Test
	void aListenerMayReadTheDirectory() {
		List<Integer> counts = new ArrayList<>();
		ConnectionDirectory[] holder = new ConnectionDirectory[1];
		holder[0] = new ConnectionDirectory("b", 1024, (event) -> counts.add(holder[0].getConnectionCount()));
		holder[0].opened(connection("b", 1, null), (change) -> {
		});
		assertThat(counts).containsExactly(1);
	}

}

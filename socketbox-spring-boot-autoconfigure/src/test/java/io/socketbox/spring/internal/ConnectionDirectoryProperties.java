package io.socketbox.spring.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import io.socketbox.spring.ClusterConnection;
import io.socketbox.spring.ConnectionClosedEvent;
import io.socketbox.spring.ConnectionOpenedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@link ConnectionDirectory directories} joined by simulated channels that behave
 * as {@code PeerChannel} does (ordered, kept while the link is down, a snapshot after
 * each link up, dropped when the peer is given up on): after any interleaving of opens,
 * closes, deliveries, link drops and nodes given up on, and then quiescence, every view
 * is the union of the local connections, and each node saw, for each connection,
 * alternating opened and closed events that start with opened and end as it is now.
 */
class ConnectionDirectoryProperties {

	private static final int NODES = 3;

	private static final String[] IDS = { "n0", "n1", "n2" };

	@Property(tries = 300)
	void viewsConvergeWithoutGhostsOrDuplicates(
			@ForAll @Size(max = 150) List<@IntRange(min = 0, max = 100_000) Integer> actions) {
		Cluster cluster = new Cluster();
		for (int action : actions) {
			cluster.run(action);
		}
		cluster.quiesce();
		Set<String> all = new HashSet<>();
		for (int n = 0; n < NODES; n++) {
			all.addAll(cluster.local.get(n));
		}
		for (int n = 0; n < NODES; n++) {
			assertThat(cluster.directories[n].getConnections()).extracting(ClusterConnection::id)
				.doesNotHaveDuplicates()
				.containsExactlyInAnyOrderElementsOf(all);
			cluster.checkEvents(n, all);
		}
	}

	private static final class Cluster {

		private final ConnectionDirectory[] directories = new ConnectionDirectory[NODES];

		private final List<Set<String>> local = new ArrayList<>();

		private final List<Map<String, List<Boolean>>> events = new ArrayList<>();

		/** Frames from one node to another, in order, as a channel keeps them. */
		private final Map<Integer, ArrayDeque<Object>> channels = new HashMap<>();

		private final boolean[][] up = new boolean[NODES][NODES];

		private final int[] sequence = new int[NODES];

		Cluster() {
			for (int n = 0; n < NODES; n++) {
				int node = n;
				this.local.add(new HashSet<>());
				this.events.add(new HashMap<>());
				this.directories[n] = new ConnectionDirectory(IDS[n], 1024, (event) -> {
					if (event instanceof ConnectionOpenedEvent opened) {
						this.events.get(node).computeIfAbsent(opened.getConnection().id(), (id) -> new ArrayList<>())
							.add(true);
					}
					else if (event instanceof ConnectionClosedEvent closed) {
						this.events.get(node).computeIfAbsent(closed.getConnection().id(), (id) -> new ArrayList<>())
							.add(false);
					}
				});
			}
			for (int a = 0; a < NODES; a++) {
				for (int b = 0; b < NODES; b++) {
					if (a != b) {
						this.channels.put(a * NODES + b, new ArrayDeque<>());
					}
				}
			}
			for (int a = 0; a < NODES; a++) {
				for (int b = a + 1; b < NODES; b++) {
					linkUp(a, b);
				}
			}
		}

		void run(int action) {
			int kind = action % 7;
			int a = (action / 7) % NODES;
			int b = (a + 1 + (action / 21) % (NODES - 1)) % NODES;
			switch (kind) {
				case 0 -> open(a);
				case 1 -> close(a, action / 63);
				case 2, 3 -> deliver(a, b);
				case 4 -> linkDown(a, b);
				case 5 -> linkUp(a, b);
				default -> giveUp(a, b);
			}
		}

		void quiesce() {
			for (int a = 0; a < NODES; a++) {
				for (int b = a + 1; b < NODES; b++) {
					linkUp(a, b);
				}
			}
			boolean delivered = true;
			while (delivered) {
				delivered = false;
				for (int a = 0; a < NODES; a++) {
					for (int b = 0; b < NODES; b++) {
						if (a != b && !this.channels.get(a * NODES + b).isEmpty()) {
							deliver(a, b);
							delivered = true;
						}
					}
				}
			}
		}

		void checkEvents(int node, Set<String> present) {
			Set<String> seen = new HashSet<>(this.events.get(node).keySet());
			seen.addAll(present);
			for (String id : seen) {
				List<Boolean> received = this.events.get(node).getOrDefault(id, List.of());
				for (int i = 0; i < received.size(); i++) {
					assertThat(received.get(i)).as("event %d of %s on %s", i, id, IDS[node]).isEqualTo(i % 2 == 0);
				}
				assertThat(received.size() % 2 == 1).as("%s open as seen by %s", id, IDS[node])
					.isEqualTo(present.contains(id));
			}
		}

		private void open(int node) {
			String id = IDS[node] + "." + (++this.sequence[node]);
			this.local.get(node).add(id);
			this.directories[node].opened(new ClusterConnection(id, IDS[node], "u" + (this.sequence[node] % 3), Map.of()),
					(change) -> replicate(node, change));
		}

		private void close(int node, int pick) {
			List<String> ids = this.local.get(node).stream().sorted().collect(Collectors.toList());
			if (ids.isEmpty()) {
				return;
			}
			String id = ids.get(pick % ids.size());
			this.local.get(node).remove(id);
			this.directories[node].closed(id, (change) -> replicate(node, change));
		}

		private void replicate(int node, ConnectionDirectory.Change change) {
			for (int other = 0; other < NODES; other++) {
				if (other != node) {
					this.channels.get(node * NODES + other).add(change);
				}
			}
		}

		private void deliver(int from, int to) {
			if (!this.up[from][to]) {
				return;
			}
			Object frame = this.channels.get(from * NODES + to).poll();
			if (frame == null) {
				return;
			}
			String violation = (frame instanceof ConnectionDirectory.Change change)
					? this.directories[to].apply(IDS[from], change)
					: this.directories[to].applySnapshot(IDS[from], (ConnectionDirectory.SnapshotPart) frame);
			assertThat(violation).isNull();
		}

		private void linkDown(int a, int b) {
			this.up[a][b] = false;
			this.up[b][a] = false;
		}

		/** As {@code PeerInbox.linkUp} on both sides: a snapshot after what is queued. */
		private void linkUp(int a, int b) {
			if (this.up[a][b]) {
				return;
			}
			this.up[a][b] = true;
			this.up[b][a] = true;
			sendSnapshot(a, b);
			sendSnapshot(b, a);
		}

		private void sendSnapshot(int from, int to) {
			this.directories[from].snapshot((snapshot) -> this.channels.get(from * NODES + to).addAll(snapshot.parts(2)));
		}

		/**
		 * Node a gives up on b while their link is down: the channel drops what it kept
		 * and a forgets b's connections.
		 */
		private void giveUp(int a, int b) {
			if (this.up[a][b]) {
				return;
			}
			this.channels.get(b * NODES + a).clear();
			this.directories[a].nodeDown(IDS[b]);
		}

	}

}

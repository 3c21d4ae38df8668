package io.socketbox.spring.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterMemberStatistics;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessageCounts;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;
import io.socketbox.spring.RoundTripListener;

/**
 * Binds the meters of a SocketBox node, all named {@code socketbox.*}: connections,
 * members by link state, messages by kind and direction, dropped messages, browsers
 * closed by reason, resend-buffer bytes and heartbeat round-trip time per peer, and the
 * round-trip time of direct sends. Tags have bounded values: a peer is tagged with its
 * node name, so there are as many as there are members, and the meters of a member that
 * is gone are removed.
 */
public class SocketBoxMeterBinder implements MeterBinder {

	private static final String PEER_RESEND_BUFFER = "socketbox.peer.resend.buffer";

	private static final String PEER_HEARTBEAT_ROUND_TRIP = "socketbox.peer.heartbeat.round.trip";

	private final SocketBoxCluster cluster;

	private final SocketBoxMessaging messaging;

	private final @Nullable SocketBoxDirectory directory;

	private final Consumer<RoundTripListener> roundTripRegistrar;

	private final List<Bound> bound = new CopyOnWriteArrayList<>();

	/**
	 * Create a binder.
	 * @param cluster the cluster as this node sees it
	 * @param messaging the messaging of this node, for its figures
	 * @param directory the directory of the cluster's connections, or {@code null}
	 * @param roundTripRegistrar takes the listener of the round trips this node measures;
	 * a single node measures none
	 */
	public SocketBoxMeterBinder(SocketBoxCluster cluster, SocketBoxMessaging messaging,
			@Nullable SocketBoxDirectory directory, Consumer<RoundTripListener> roundTripRegistrar) {
		this.cluster = cluster;
		this.messaging = messaging;
		this.directory = directory;
		this.roundTripRegistrar = roundTripRegistrar;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("socketbox.connections", this.messaging, (messaging) -> messaging.getStatistics().localConnections())
			.description("Browser connections open on this node")
			.baseUnit(BaseUnits.CONNECTIONS)
			.register(registry);
		if (this.directory != null) {
			Gauge.builder("socketbox.cluster.connections", this.directory, SocketBoxDirectory::getConnectionCount)
				.description("Browser connections open on any node, as this node's directory knows them")
				.baseUnit(BaseUnits.CONNECTIONS)
				.register(registry);
		}
		for (ClusterMember.LinkState state : ClusterMember.LinkState.values()) {
			Gauge.builder("socketbox.members", this.cluster, (cluster) -> countMembers(cluster, state))
				.description("Other members of the cluster, by the state of the link to them")
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		messages(registry, "broadcast", "sent", SocketBoxMessageCounts::broadcastsSent);
		messages(registry, "broadcast", "received", SocketBoxMessageCounts::broadcastsReceived);
		messages(registry, "direct", "sent", SocketBoxMessageCounts::directSent);
		messages(registry, "direct", "received", SocketBoxMessageCounts::directReceived);
		messages(registry, "user", "sent", SocketBoxMessageCounts::userSent);
		messages(registry, "user", "received", SocketBoxMessageCounts::userReceived);
		FunctionCounter.builder("socketbox.messages.dropped", this.messaging,
				(messaging) -> messaging.getStatistics().droppedMessages())
			.description("Messages for other nodes dropped: a link down for longer than the resend window, "
					+ "or a resend buffer full")
			.register(registry);
		closed(registry, "slow", SocketBoxStatistics::slowClientsClosed);
		closed(registry, "send-failed", SocketBoxStatistics::failedClientsClosed);
		closed(registry, "too-big", SocketBoxStatistics::tooBigClientsClosed);
		closed(registry, "protocol-error", SocketBoxStatistics::protocolErrorClientsClosed);
		Timer directRoundTrip = Timer.builder("socketbox.direct.round.trip")
			.description("Time from a direct send to a connection of another node to that node's confirmation")
			.register(registry);
		MultiGauge resendBuffers = MultiGauge.builder(PEER_RESEND_BUFFER)
			.description("Bytes of messages waiting for a peer: not yet sent, or sent and not yet acknowledged")
			.baseUnit(BaseUnits.BYTES)
			.register(registry);
		Bound bound = new Bound(registry, directRoundTrip, resendBuffers);
		this.bound.add(bound);
		bound.refreshPeers();
		this.roundTripRegistrar.accept(new RoundTripListener() {

			@Override
			public void heartbeat(String peerName, long nanos) {
				SocketBoxMeterBinder.this.bound.forEach((each) -> each.heartbeat(peerName, nanos));
			}

			@Override
			public void directSend(long nanos) {
				SocketBoxMeterBinder.this.bound
					.forEach((each) -> each.directRoundTrip().record(nanos, TimeUnit.NANOSECONDS));
			}

		});
	}

	private void messages(MeterRegistry registry, String kind, String direction,
			ToLongFunction<SocketBoxMessageCounts> count) {
		FunctionCounter.builder("socketbox.messages", this.messaging,
				(messaging) -> count.applyAsLong(messaging.getMessageCounts()))
			.description("Messages sent by the application on this node, and received from other nodes, by kind")
			.baseUnit(BaseUnits.MESSAGES)
			.tags("kind", kind, "direction", direction)
			.register(registry);
	}

	private void closed(MeterRegistry registry, String reason, ToLongFunction<SocketBoxStatistics> count) {
		FunctionCounter.builder("socketbox.clients.closed", this.messaging,
				(messaging) -> count.applyAsLong(messaging.getStatistics()))
			.description("Browser connections closed by this node or the browser, by reason")
			.tag("reason", reason)
			.register(registry);
	}

	private static int countMembers(SocketBoxCluster cluster, ClusterMember.LinkState state) {
		return (int) cluster.getMembers().stream().filter((member) -> member.link() == state).count();
	}

	/**
	 * The meters of one registry that follow the members.
	 */
	private final class Bound {

		private final MeterRegistry registry;

		private final Timer directRoundTrip;

		private final MultiGauge resendBuffers;

		private final Map<String, Timer> heartbeatTimers = new ConcurrentHashMap<>();

		Bound(MeterRegistry registry, Timer directRoundTrip, MultiGauge resendBuffers) {
			this.registry = registry;
			this.directRoundTrip = directRoundTrip;
			this.resendBuffers = resendBuffers;
		}

		Timer directRoundTrip() {
			return this.directRoundTrip;
		}

		void heartbeat(String peerName, long nanos) {
			// Every heartbeat of every peer: new peers get their meters, peers gone lose theirs
			refreshPeers();
			this.heartbeatTimers.computeIfAbsent(peerName, this::heartbeatTimer).record(nanos, TimeUnit.NANOSECONDS);
		}

		private Timer heartbeatTimer(String peerName) {
			return Timer.builder(PEER_HEARTBEAT_ROUND_TRIP)
				.description("Round-trip time of the periodic heartbeats on the link to a peer")
				.tag("peer", peerName)
				.register(this.registry);
		}

		/**
		 * Gauge the resend buffer of each member, and remove the meters of members gone.
		 */
		synchronized void refreshPeers() {
			List<ClusterMemberStatistics> members = SocketBoxMeterBinder.this.cluster.getMemberStatistics();
			List<String> names = members.stream().map(ClusterMemberStatistics::name).distinct().toList();
			this.resendBuffers.register(names.stream()
				.map((name) -> MultiGauge.Row.of(Tags.of("peer", name), () -> resendBufferBytes(name)))
				.toList(), false);
			this.heartbeatTimers.keySet().removeIf((name) -> {
				if (names.contains(name)) {
					return false;
				}
				this.registry.remove(this.heartbeatTimers.get(name));
				return true;
			});
		}

		private double resendBufferBytes(String name) {
			List<ClusterMemberStatistics> members = SocketBoxMeterBinder.this.cluster.getMemberStatistics();
			return members.stream()
				.filter((member) -> member.name().equals(name))
				.mapToLong(ClusterMemberStatistics::resendBufferBytes)
				.sum();
		}

	}

}

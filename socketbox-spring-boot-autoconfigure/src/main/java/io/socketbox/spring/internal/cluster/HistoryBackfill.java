package io.socketbox.spring.internal.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.session.BroadcastHistory;

/**
 * Fills the broadcast history of a node that has just joined. On the first link between
 * two nodes, each sends the other the broadcasts it keeps of its own and of nodes that
 * have gone, in parts that fit a frame, ahead of its later broadcasts on the same
 * channel; every node that is up sends its own. A client that resumes on a node that
 * has just started then gets what it missed replayed, instead of a gap.
 */
final class HistoryBackfill {

	private static final JsonMapper mapper = JsonMapper.shared();

	/** Origins are node ids. */
	private static final Pattern ORIGIN = Pattern.compile("[0-9a-z]{1,64}");

	private static final int PART_OVERHEAD = 512;

	private final String nodeId;

	private final ClusterMessaging messaging;

	private final Peers peers;

	private final LocalConnections connections;

	private final int maxPartSize;

	/** The peers this node has sent its history to: once each, as they start anew with a new id. */
	private final Set<String> sent = ConcurrentHashMap.newKeySet();

	HistoryBackfill(String nodeId, ClusterMessaging messaging, Peers peers, LocalConnections connections,
			int maxFrameSize) {
		this.nodeId = nodeId;
		this.messaging = messaging;
		this.peers = peers;
		this.connections = connections;
		// A text is escaped once more in the part than in a broadcast's frame
		this.maxPartSize = Math.max(PART_OVERHEAD, (maxFrameSize - PART_OVERHEAD) / 2);
	}

	/**
	 * Send a peer whose link has just come up for the first time what this node keeps of
	 * its own broadcasts and of nodes that are no longer reachable.
	 * @param peerId the peer
	 */
	void linkUp(String peerId) {
		if (!this.sent.add(peerId)) {
			return;
		}
		this.connections.keptBroadcasts(
				(origin) -> !origin.equals(peerId) && (origin.equals(this.nodeId) || !this.peers.isReachable(origin)),
				(origin, kept) -> {
					for (String part : parts(kept)) {
						if (!this.messaging.replicateTo(peerId, Envelope.broadcastHistory(this.nodeId, origin, part))) {
							return;
						}
					}
				});
	}

	private List<String> parts(List<BroadcastHistory.Kept> kept) {
		List<String> parts = new ArrayList<>();
		List<Long> positions = new ArrayList<>();
		List<String> texts = new ArrayList<>();
		int size = 0;
		for (BroadcastHistory.Kept entry : kept) {
			int entrySize = mapper.writeValueAsString(entry.text()).length() + 21;
			if (entrySize > this.maxPartSize) {
				// Too large to pass on: a client that resumes on the peer learns of the gap
				continue;
			}
			if (!positions.isEmpty() && size + entrySize > this.maxPartSize) {
				parts.add(write(positions, texts));
				positions = new ArrayList<>();
				texts = new ArrayList<>();
				size = 0;
			}
			positions.add(entry.position());
			texts.add(entry.text());
			size += entrySize;
		}
		if (!positions.isEmpty()) {
			parts.add(write(positions, texts));
		}
		return parts;
	}

	private static String write(List<Long> positions, List<String> texts) {
		return mapper.writeValueAsString(new Part(positions, texts));
	}

	/**
	 * Read a part.
	 * @param origin the origin of its broadcasts
	 * @param payload the part
	 * @return its broadcasts, or {@code null} if it is not a part: the origin must be a
	 * node id, the positions must rise from 1, one text each
	 */
	static @Nullable List<BroadcastHistory.Kept> read(@Nullable String origin, @Nullable String payload) {
		if (origin == null || !ORIGIN.matcher(origin).matches() || payload == null) {
			return null;
		}
		Part part;
		try {
			part = mapper.readValue(payload, Part.class);
		}
		catch (JacksonException ex) {
			return null;
		}
		if (part == null || part.p() == null || part.t() == null || part.p().size() != part.t().size()) {
			return null;
		}
		List<BroadcastHistory.Kept> kept = new ArrayList<>(part.p().size());
		long previous = 0;
		for (int i = 0; i < part.p().size(); i++) {
			Long position = part.p().get(i);
			String text = part.t().get(i);
			if (position == null || text == null || position <= previous) {
				return null;
			}
			kept.add(new BroadcastHistory.Kept(position, text));
			previous = position;
		}
		return kept;
	}

	/**
	 * @param p the positions, ascending
	 * @param t the texts
	 */
	record Part(@Nullable List<Long> p, @Nullable List<String> t) {

	}

}

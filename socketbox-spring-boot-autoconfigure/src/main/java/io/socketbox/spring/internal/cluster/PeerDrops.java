package io.socketbox.spring.internal.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.MessagesDroppedEvent;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Counts the messages for peers that were dropped, says so in the log without flooding
 * it, and publishes a {@link MessagesDroppedEvent} once per outage and per bulk drop.
 * Frames dropped because a peer's link stayed down are logged once per outage; frames
 * that can never be sent (they cannot be encoded, or are larger than peers accept) once
 * per kind, later ones at DEBUG level.
 */
final class PeerDrops {

	private static final Log logger = LogFactory.getLog(PeerDrops.class);

	private final ApplicationEventPublisher eventPublisher;

	private final int maxFrameSize;

	private final AtomicLong droppedMessages = new AtomicLong();

	private final Set<String> unsendableKinds = ConcurrentHashMap.newKeySet();

	/**
	 * Create the drop counter of a node.
	 * @param eventPublisher publishes {@link MessagesDroppedEvent}
	 * @param maxFrameSize the largest frame peers accept, for the message about frames
	 * that are larger
	 */
	PeerDrops(ApplicationEventPublisher eventPublisher, int maxFrameSize) {
		this.eventPublisher = eventPublisher;
		this.maxFrameSize = maxFrameSize;
	}

	/**
	 * Return how many messages for peers were dropped since start.
	 */
	long getDroppedMessages() {
		return this.droppedMessages.get();
	}

	/**
	 * Frames for a peer were dropped because its link stayed down or its buffer was
	 * full.
	 */
	void dropped(PeerChannel channel, long count, String reason, boolean firstInOutage) {
		this.droppedMessages.addAndGet(count);
		if (firstInOutage) {
			logger.warn("Dropping messages for peer " + channel + ": " + reason
					+ "; further drops in this outage are counted, not logged");
		}
		// Once per outage and per bulk drop, not once per message
		if (firstInOutage || count > 1) {
			this.eventPublisher
				.publishEvent(new MessagesDroppedEvent(this, channel.peerId(), channel.peerName(), count, reason));
		}
	}

	/**
	 * A frame could not be encoded and was dropped before it was queued for any peer.
	 */
	void unencodable(@Nullable String type, RuntimeException ex) {
		droppedUnsendable(ex.getClass().getName(), 1, "Dropped a " + type + " frame that cannot be encoded: " + ex,
				"further frames that fail the same way are counted, not logged");
	}

	/**
	 * Whether a frame of the given length is larger than peers accept.
	 */
	boolean isOversized(int length) {
		return length > this.maxFrameSize;
	}

	/**
	 * A frame was larger than peers accept and was dropped before it was queued.
	 */
	void oversized(@Nullable String type, int length) {
		droppedUnsendable("oversized", 1,
				"Dropped a " + type + " frame of " + length + " characters, larger than socketbox.cluster.max-frame-size ("
						+ this.maxFrameSize + ")",
				"further frames that are too large are counted, not logged");
	}

	/**
	 * Frames queued for a peer turned out not to be valid Unicode when they were
	 * written; they are never sent again.
	 */
	void unsendable(PeerChannel channel, List<PeerChannel.Outbound> frames) {
		String sequences = frames.stream().map((frame) -> Long.toString(frame.sequence())).toList().toString();
		droppedUnsendable("unsendable", frames.size(), "Dropped frame(s) " + sequences + " for peer " + channel
				+ ": not valid Unicode, they cannot be encoded as UTF-8",
				"further frames that fail the same way are counted, not logged");
	}

	/**
	 * Count frames that can never be sent; the first drop of each kind is logged at WARN,
	 * later ones at DEBUG.
	 */
	private void droppedUnsendable(String kind, long count, String description, String onlyOnce) {
		this.droppedMessages.addAndGet(count);
		if (this.unsendableKinds.add(kind)) {
			logger.warn(description + "; " + onlyOnce);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(description);
		}
	}

}

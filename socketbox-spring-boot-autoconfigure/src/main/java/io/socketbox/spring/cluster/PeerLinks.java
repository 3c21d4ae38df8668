package io.socketbox.spring.cluster;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;

/**
 * The authenticated links of this node, one per peer.
 */
final class PeerLinks {

	private final Map<String, PeerLink> links = new ConcurrentHashMap<>();

	private final List<Listener> listeners = new CopyOnWriteArrayList<>();

	void addListener(Listener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Register a link that has just been authenticated, replacing (and closing) an older
	 * link to the same peer.
	 */
	void up(PeerLink link) {
		PeerLink previous = this.links.put(link.peerId(), link);
		if (previous != null && previous != link) {
			previous.close(CloseStatus.NORMAL.withReason("Replaced by a newer link"));
		}
		this.listeners.forEach((listener) -> listener.linkUp(link));
	}

	/**
	 * Forget a link that has closed; a newer link to the same peer stays.
	 */
	void down(PeerLink link) {
		if (this.links.remove(link.peerId(), link)) {
			this.listeners.forEach((listener) -> listener.linkDown(link));
		}
	}

	@Nullable PeerLink get(String peerId) {
		return this.links.get(peerId);
	}

	Collection<PeerLink> all() {
		return this.links.values();
	}

	boolean send(String peerId, TextMessage message) {
		PeerLink link = this.links.get(peerId);
		return link != null && link.send(message);
	}

	void broadcast(TextMessage message) {
		for (PeerLink link : this.links.values()) {
			link.send(message);
		}
	}

	void closeAll(CloseStatus status) {
		for (PeerLink link : this.links.values()) {
			link.close(status);
		}
	}

	/**
	 * Notified when links come up and go down.
	 */
	interface Listener {

		void linkUp(PeerLink link);

		void linkDown(PeerLink link);

	}

}

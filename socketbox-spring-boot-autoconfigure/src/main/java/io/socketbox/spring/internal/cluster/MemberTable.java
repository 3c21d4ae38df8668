package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The other members this node knows, and the signs of life they gave. A member whose
 * heartbeat counter has not moved in the cache, and that no peer vouched for, for the
 * member timeout measured on this node's own clock has expired, so the clocks of
 * different nodes are never compared. A member that left, or that a restart replaced,
 * is remembered as departed for a while, so that neither a registration still in the
 * cache nor a peer's gossip brings it back.
 * <p>
 * The table knows nothing of links or of the cache: what needs the state of a link
 * takes it as an argument, and what forgets members returns their ids, so that the
 * caller closes their channels and clears their registrations.
 */
final class MemberTable {

	private static final Log logger = LogFactory.getLog(MemberTable.class);

	/**
	 * The heartbeat of a sign of life that came from a peer or a link, not the cache.
	 */
	private static final long NO_HEARTBEAT = -1;

	private final String localId;

	private final long memberTimeout;

	private final long departedMemory;

	private final LongSupplier nanoClock;

	private final JsonMapper mapper = JsonMapper.shared();

	private final Map<String, Entry> members = new LinkedHashMap<>();

	private final Map<String, Long> departed = new HashMap<>();

	/**
	 * Create a table.
	 * @param localId the id of this node, never a member of its own table
	 * @param memberTimeout how long a member may give no sign of life before it expires
	 * @param departedMemory how long a departed member is not taken back
	 * @param nanoClock the local clock, as {@link System#nanoTime()}
	 */
	MemberTable(String localId, Duration memberTimeout, Duration departedMemory, LongSupplier nanoClock) {
		this.localId = localId;
		this.memberTimeout = memberTimeout.toNanos();
		this.departedMemory = departedMemory.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Return the members, in the order they became known.
	 */
	synchronized List<Member> members() {
		return this.members.values().stream().map((entry) -> new Member(entry.id, entry.name)).toList();
	}

	synchronized boolean contains(String id) {
		return this.members.containsKey(id);
	}

	/**
	 * Whether a member left, or was replaced, within the departed memory.
	 */
	synchronized boolean isDeparted(String id) {
		Long at = this.departed.get(id);
		return at != null && this.nanoClock.getAsLong() - at <= this.departedMemory;
	}

	/**
	 * Note a member's registration read from the cache; a departed member is ignored.
	 * @param registration the registration
	 * @param linked whether this node has a live link to a member
	 * @return the ids of earlier incarnations of the member that were replaced
	 */
	synchronized List<String> observe(Registration registration, Predicate<String> linked) {
		if (isDeparted(registration.id()) || registration.id().equals(this.localId)) {
			return List.of();
		}
		return observe(registration.id(), registration.name(), registration.heartbeat(), linked);
	}

	/**
	 * Note a live link to a member, which takes it back even if it had departed.
	 * @param id the member's id
	 * @param name the member's name
	 * @param linked whether this node has a live link to a member
	 * @return the ids of earlier incarnations of the member that were replaced
	 */
	synchronized List<String> linked(String id, String name, Predicate<String> linked) {
		this.departed.remove(id);
		if (this.members.containsKey(id)) {
			return List.of();
		}
		List<String> replaced = replaceEarlierIncarnations(id, name, linked);
		this.members.put(id, new Entry(id, name, this.nanoClock.getAsLong()));
		return replaced;
	}

	/**
	 * Note that a member left the cluster.
	 * @param id the member's id
	 * @return the member's name, or {@code null} if it was not a member
	 */
	synchronized @Nullable String left(String id) {
		this.departed.put(id, this.nanoClock.getAsLong());
		Entry entry = this.members.remove(id);
		return (entry != null) ? entry.name : null;
	}

	/**
	 * Forget the members without a live link that gave no sign of life for the member
	 * timeout, and the departed members past the departed memory.
	 * @param linked whether this node has a live link to a member
	 * @return the ids of the expired members
	 */
	synchronized List<String> expire(Predicate<String> linked) {
		long now = this.nanoClock.getAsLong();
		this.departed.values().removeIf((at) -> now - at > this.departedMemory);
		List<String> expired = new ArrayList<>();
		for (Entry entry : List.copyOf(this.members.values())) {
			if (!linked.test(entry.id) && now - entry.confirmedAt > this.memberTimeout) {
				logger.info("Member " + entry.name + " (" + entry.id + ") expired");
				this.members.remove(entry.id);
				expired.add(entry.id);
			}
		}
		return expired;
	}

	/**
	 * Return the gossip that tells peers which members this node has live links to, so
	 * that a member whose registration a racy cache lost is still found.
	 * @param self this node's registration
	 * @param linked whether this node has a live link to a member
	 * @return the gossip, or {@code null} when this node has no live link
	 */
	synchronized @Nullable String gossip(Registration self, Predicate<String> linked) {
		List<Registration> alive = new ArrayList<>();
		alive.add(self);
		for (Entry entry : this.members.values()) {
			if (linked.test(entry.id)) {
				alive.add(new Registration(entry.id, entry.name, NO_HEARTBEAT));
			}
		}
		return (alive.size() > 1) ? this.mapper.writeValueAsString(alive) : null;
	}

	/**
	 * Take the members a peer has live links to as signs of their life; departed
	 * members and malformed gossip are ignored.
	 * @param peerId the peer that sent the gossip
	 * @param gossip the gossip
	 * @param linked whether this node has a live link to a member
	 * @return the ids of earlier incarnations of members that were replaced
	 */
	synchronized List<String> receiveGossip(String peerId, String gossip, Predicate<String> linked) {
		Registration[] alive;
		try {
			alive = this.mapper.readValue(gossip, Registration[].class);
		}
		catch (JacksonException ex) {
			logger.warn("Ignoring malformed member list from " + peerId + ": " + ex.getOriginalMessage());
			return List.of();
		}
		if (alive == null) {
			logger.warn("Ignoring member list from " + peerId + ": not an array");
			return List.of();
		}
		List<String> replaced = new ArrayList<>();
		for (Registration registration : alive) {
			if (registration != null && registration.id() != null && registration.name() != null
					&& !registration.id().equals(this.localId) && !isDeparted(registration.id())) {
				replaced.addAll(observe(registration.id(), registration.name(), NO_HEARTBEAT, linked));
			}
		}
		return replaced;
	}

	synchronized void clear() {
		this.members.clear();
	}

	private List<String> observe(String id, String name, long heartbeat, Predicate<String> linked) {
		long now = this.nanoClock.getAsLong();
		Entry entry = this.members.get(id);
		List<String> replaced = List.of();
		if (entry == null) {
			replaced = replaceEarlierIncarnations(id, name, linked);
			entry = new Entry(id, name, now);
			this.members.put(id, entry);
		}
		entry.observe(name, heartbeat, now);
		return replaced;
	}

	/**
	 * A node that restarts keeps its name and gets a new id: forget the old id at once
	 * rather than route to it until it expires, unless a live link shows it is alive.
	 */
	private List<String> replaceEarlierIncarnations(String id, String name, Predicate<String> linked) {
		List<String> replaced = new ArrayList<>();
		for (Entry other : List.copyOf(this.members.values())) {
			if (!other.id.equals(id) && other.name.equals(name) && !linked.test(other.id)) {
				logger.info("Member " + name + " restarted: " + other.id + " replaced by " + id);
				this.members.remove(other.id);
				this.departed.put(other.id, this.nanoClock.getAsLong());
				replaced.add(other.id);
			}
		}
		return replaced;
	}

	/**
	 * A member's registration in the cache, and an entry of gossip.
	 *
	 * @param id the node id
	 * @param name the node name
	 * @param heartbeat a counter that the node increments on every refresh; {@code -1}
	 * in gossip
	 */
	record Registration(String id, String name, long heartbeat) {

	}

	/**
	 * A member.
	 *
	 * @param id the node id
	 * @param name the node name, the URL at which it is dialed
	 */
	record Member(String id, String name) {

	}

	private static final class Entry {

		private final String id;

		private String name;

		private long heartbeat = NO_HEARTBEAT;

		private long confirmedAt;

		Entry(String id, String name, long now) {
			this.id = id;
			this.name = name;
			this.confirmedAt = now;
		}

		void observe(String name, long heartbeat, long now) {
			if (heartbeat == NO_HEARTBEAT || heartbeat != this.heartbeat) {
				this.confirmedAt = now;
			}
			if (heartbeat != NO_HEARTBEAT) {
				this.heartbeat = heartbeat;
				this.name = name;
			}
		}

	}

}

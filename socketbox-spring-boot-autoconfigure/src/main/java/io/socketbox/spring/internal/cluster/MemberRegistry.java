package io.socketbox.spring.internal.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.cache.CacheContentException;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.internal.cluster.MemberTable.Registration;

/**
 * The membership's entries in the shared cache: the set of member ids
 * ({@code <prefix>socketbox:members}) and one registration per member
 * ({@code <prefix>socketbox:member:<id>}, JSON). A key that holds something else is
 * reported as such, never as an outage, and never keeps this node from joining: the
 * members set and this node's own registration are repaired (deleted and written again,
 * with a warning each time), and a registration of another member that cannot be read
 * is skipped, with one warning per key and content.
 */
final class MemberRegistry {

	private static final Log logger = LogFactory.getLog(MemberRegistry.class);

	private static final int MAX_SHOWN_CHARACTERS = 64;

	private static final int MAX_REPORTED_KEYS = 1024;

	private static final String REGISTRATION = "a registration (JSON with the member's id and a valid name)";

	private final CacheProvider cache;

	private final JsonMapper mapper;

	private final String prefix;

	private final String localId;

	private final String membersKey;

	/**
	 * What was last reported for each key, so that content that stays the same is
	 * reported once and not on every refresh.
	 */
	private final Map<String, String> reported = new ConcurrentHashMap<>();

	MemberRegistry(CacheProvider cache, JsonMapper mapper, String prefix, String localId) {
		this.cache = cache;
		this.mapper = mapper;
		this.prefix = prefix;
		this.localId = localId;
		this.membersKey = prefix + "socketbox:members";
	}

	/**
	 * Write this node's registration and add this node to the members set.
	 * @param registration this node's registration
	 * @param timeToLive how long the cache needs to keep the registration
	 */
	void register(Registration registration, Duration timeToLive) {
		String key = memberKey(this.localId);
		String value = this.mapper.writeValueAsString(registration);
		try {
			this.cache.set(key, value, timeToLive);
		}
		catch (CacheContentException ex) {
			logger.warn(ex.getMessage() + "; deleting it and registering this node (" + this.localId + ") again");
			this.cache.clear(key);
			this.cache.set(key, value, timeToLive);
		}
		// Re-adding on every refresh heals a registration lost to a racy provider
		onMembersKey(() -> {
			this.cache.addMember(this.membersKey, this.localId);
			return null;
		});
	}

	/**
	 * Return the ids in the members set.
	 * @return the ids, this node's included
	 */
	Set<String> memberIds() {
		return onMembersKey(() -> this.cache.members(this.membersKey));
	}

	/**
	 * Read the registration of another member.
	 * @param id the member's id
	 * @return the registration, or {@code null} when it is missing or cannot be used
	 */
	@Nullable Registration read(String id) {
		String key = memberKey(id);
		String value;
		try {
			value = this.cache.get(key);
		}
		catch (CacheContentException ex) {
			skip(ex);
			return null;
		}
		catch (IllegalArgumentException ex) {
			// The store cannot hold a key for this id (too long for a file name, ...)
			skip(new CacheContentException(this.membersKey, "the member id '" + abbreviate(id) + "'",
					"ids that the cache can make a key of", ex));
			return null;
		}
		if (value == null) {
			this.reported.remove(key);
			return null;
		}
		Registration registration = parse(id, value);
		if (registration == null) {
			skip(new CacheContentException(key, "'" + abbreviate(value) + "'", REGISTRATION, null));
			return null;
		}
		this.reported.remove(key);
		return registration;
	}

	/**
	 * Remove a member from the members set.
	 * @param id the member's id
	 */
	void remove(String id) {
		onMembersKey(() -> {
			this.cache.removeMember(this.membersKey, id);
			return null;
		});
	}

	/**
	 * Remove the registration of a member.
	 * @param id the member's id
	 */
	void clear(String id) {
		this.cache.clear(memberKey(id));
	}

	/**
	 * Remove this node from the members set and its registration, repairing nothing: a
	 * members set of another type is left for the other members to repair.
	 */
	void deregister() {
		this.cache.removeMember(this.membersKey, this.localId);
		this.cache.clear(memberKey(this.localId));
	}

	/**
	 * Report a key that could not be repaired, once for the same content.
	 * @param ex what the cache reported
	 */
	void unrepaired(CacheContentException ex) {
		reportOnce(ex, "; could not repair it, trying again on the next refresh");
	}

	private <T> T onMembersKey(Supplier<T> operation) {
		try {
			return operation.get();
		}
		catch (CacheContentException ex) {
			logger.warn(ex.getMessage() + "; deleting it and adding this node (" + this.localId
					+ ") again, the other members add themselves on their next refresh");
			this.cache.clear(this.membersKey);
			this.cache.addMember(this.membersKey, this.localId);
			return operation.get();
		}
	}

	private @Nullable Registration parse(String id, String value) {
		try {
			Registration registration = this.mapper.readValue(value, Registration.class);
			return (registration != null && id.equals(registration.id()) && isValidName(registration.name()))
					? registration : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static boolean isValidName(@Nullable String name) {
		if (name == null) {
			return false;
		}
		try {
			URI.create(name);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private void skip(CacheContentException ex) {
		reportOnce(ex, "; skipping that member");
	}

	private void reportOnce(CacheContentException ex, String action) {
		if (this.reported.size() >= MAX_REPORTED_KEYS) {
			this.reported.clear();
		}
		String previous = this.reported.put(ex.getKey(), ex.getFound());
		if (!ex.getFound().equals(previous)) {
			logger.warn(ex.getMessage() + action + " (reported once while it stays the same)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(ex.getMessage() + action);
		}
	}

	private static String abbreviate(String text) {
		return (text.length() > MAX_SHOWN_CHARACTERS) ? text.substring(0, MAX_SHOWN_CHARACTERS) + "..." : text;
	}

	private String memberKey(String id) {
		return this.prefix + "socketbox:member:" + id;
	}

}

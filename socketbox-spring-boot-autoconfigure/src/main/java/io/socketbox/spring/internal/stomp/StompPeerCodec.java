package io.socketbox.spring.internal.stomp;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payloads of STOMP peer frames: a broker message (its native headers, content type
 * and body) and a subscription change or snapshot part.
 */
final class StompPeerCodec {

	private final JsonMapper mapper = JsonMapper.shared();

	String write(PeerMessage message) {
		return this.mapper.writeValueAsString(message);
	}

	/**
	 * Return the length of a destination written as a JSON string.
	 */
	int encodedLength(String destination) {
		return this.mapper.writeValueAsString(destination).length();
	}

	String write(InterestFrame frame) {
		return this.mapper.writeValueAsString(frame);
	}

	String write(UsersFrame frame) {
		return this.mapper.writeValueAsString(frame);
	}

	/**
	 * Return the length of a session entry written as JSON.
	 */
	int encodedLength(SessionEntry entry) {
		return this.mapper.writeValueAsString(entry).length();
	}

	/**
	 * Read a users frame.
	 * @throws IllegalArgumentException if it is unreadable
	 */
	UsersFrame readUsers(String payload) {
		return read(payload, UsersFrame.class);
	}

	/**
	 * Read a broker message.
	 * @throws IllegalArgumentException if it is unreadable
	 */
	PeerMessage readMessage(String payload) {
		return read(payload, PeerMessage.class);
	}

	/**
	 * Read a subscription frame.
	 * @throws IllegalArgumentException if it is unreadable
	 */
	InterestFrame readInterest(String payload) {
		return read(payload, InterestFrame.class);
	}

	private <T> T read(String payload, Class<T> type) {
		try {
			T value = this.mapper.readValue(payload, type);
			if (value == null) {
				throw new IllegalArgumentException("null");
			}
			return value;
		}
		catch (JacksonException | NullPointerException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
	}

	/**
	 * A broker message as it travels to a peer.
	 *
	 * @param h the native (STOMP) headers
	 * @param c the content type
	 * @param b the body
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record PeerMessage(@Nullable Map<String, List<String>> h, @Nullable String c, byte @Nullable [] b) {

	}

	/**
	 * A change of the STOMP sessions of a node's users, or a part of a snapshot of them.
	 *
	 * @param k the kind: {@code set} (the sessions are as given), {@code remove} (the
	 * sessions, named by id, are gone) or {@code snap}
	 * @param s the sessions
	 * @param part the number of a snapshot part, from 0
	 * @param last whether it is the last snapshot part
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record UsersFrame(@Nullable String k, @Nullable List<SessionEntry> s, @Nullable Integer part,
			@Nullable Boolean last) {

		static final String SET = "set";

		static final String REMOVE = "remove";

		static final String SNAPSHOT = "snap";

	}

	/**
	 * A STOMP session of a user.
	 *
	 * @param i the session id
	 * @param u the user's name
	 * @param b its subscriptions
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record SessionEntry(@Nullable String i, @Nullable String u, @Nullable List<SubscriptionEntry> b) {

	}

	/**
	 * A subscription of a session.
	 *
	 * @param i the subscription id
	 * @param d the destination, as the client subscribed
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record SubscriptionEntry(@Nullable String i, @Nullable String d) {

	}

	/**
	 * A change of the destinations a node's clients subscribe to, or a part of a snapshot
	 * of them.
	 *
	 * @param k the kind: {@code add}, {@code remove} or {@code snap}
	 * @param d the destinations (plain or patterns), or {@link LocalInterest#ANY}
	 * @param part the number of a snapshot part, from 0
	 * @param last whether it is the last snapshot part
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	record InterestFrame(@Nullable String k, @Nullable List<String> d, @Nullable Integer part,
			@Nullable Boolean last) {

		static final String ADD = "add";

		static final String REMOVE = "remove";

		static final String SNAPSHOT = "snap";

	}

}

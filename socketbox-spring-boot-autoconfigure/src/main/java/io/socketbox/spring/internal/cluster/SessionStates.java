package io.socketbox.spring.internal.cluster;

import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.RemoteSessions;

/**
 * The payload of an {@code s-adopt} frame: the user, the last seq, the kept frames and
 * how far the client's messages were handled, of a session that a stopping node hands
 * over.
 */
final class SessionStates {

	private static final JsonMapper mapper = JsonMapper.shared();

	private SessionStates() {
	}

	static String write(RemoteSessions.Adoption adoption) {
		return mapper.writeValueAsString(
				new State(adoption.user(), adoption.last(), adoption.frames(), adoption.handled()));
	}

	/**
	 * Read a session's state.
	 * @return the adoption, or {@code null} if the payload is not a session's state
	 */
	static RemoteSessions.@Nullable Adoption read(String sessionId, @Nullable String payload, String heir) {
		if (payload == null) {
			return null;
		}
		try {
			State state = mapper.readValue(payload, State.class);
			if (state == null || state.l() < 0 || state.f() == null || state.f().contains(null) || state.m() < 0) {
				return null;
			}
			return new RemoteSessions.Adoption(sessionId, state.u(), state.l(), state.f(), state.m(), heir);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * @param u the user, or {@code null}
	 * @param l the seq of the last message
	 * @param f the frames kept
	 * @param m the seq of the client's last numbered message handled
	 */
	record State(@Nullable String u, long l, @Nullable List<String> f, long m) {

	}

}

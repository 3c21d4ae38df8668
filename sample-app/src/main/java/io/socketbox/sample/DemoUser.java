package io.socketbox.sample;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The demo's stand-in for authentication: the {@code user} query parameter of the
 * WebSocket URL ({@code /ws?user=alice}) names the connection's principal. Anyone can
 * claim any name, so this is a demo, not authentication; a real application
 * authenticates the handshake with Spring Security and the principal comes from there.
 * <p>
 * A name is 1 to {@value #MAX_LENGTH} characters of {@code A-Z a-z 0-9 . _ -}. The
 * parameter may appear at most once; without it the connection is anonymous. Whether
 * the query as a whole is well formed is SocketBox's concern: it refuses a malformed
 * query before this rule runs.
 */
final class DemoUser {

	static final String PARAMETER = "user";

	static final int MAX_LENGTH = 32;

	static final Pattern RULE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

	static final String RULE_DESCRIPTION = "1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ -";

	private DemoUser() {
	}

	/**
	 * Read the user from the values of the {@code user} query parameter.
	 * @param values the parameter's decoded values, as
	 * {@code ServletRequest.getParameterValues} gives them; {@code null} when it is absent
	 * @return the outcome: anonymous, a valid name, or why the parameter is refused
	 */
	static Result fromParameter(String @Nullable [] values) {
		if (values == null || values.length == 0) {
			return Result.ANONYMOUS;
		}
		if (values.length > 1) {
			return Result.refused("The 'user' query parameter may be given only once");
		}
		if (!RULE.matcher(values[0]).matches()) {
			return Result.refused("The 'user' query parameter must be " + RULE_DESCRIPTION);
		}
		return new Result(values[0], null);
	}

	/**
	 * What the {@code user} parameter says about the user.
	 *
	 * @param name the valid user name, or {@code null} when anonymous or refused
	 * @param error why the parameter is refused, or {@code null} when it is not
	 */
	record Result(@Nullable String name, @Nullable String error) {

		static final Result ANONYMOUS = new Result(null, null);

		static Result refused(String error) {
			return new Result(null, error);
		}

		boolean isRefused() {
			return this.error != null;
		}

	}

}

package io.socketbox.sample;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The demo's stand-in for authentication: the {@code user} query parameter of the
 * WebSocket URL ({@code /ws?user=alice}) names the connection's principal. Anyone can
 * claim any name, so this is a demo, not authentication; a real application
 * authenticates the handshake with Spring Security and the principal comes from there.
 * <p>
 * A name is 1 to {@value #MAX_LENGTH} characters of {@code A-Z a-z 0-9 . _ -}. The
 * parameter may appear at most once; without it the connection is anonymous.
 */
final class DemoUser {

	static final String PARAMETER = "user";

	static final int MAX_LENGTH = 32;

	static final Pattern RULE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

	static final String RULE_DESCRIPTION = "1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ -";

	private DemoUser() {
	}

	/**
	 * Read the user from a raw (still percent-encoded) query string.
	 * @param rawQuery the query, without the {@code ?}; {@code null} when there is none
	 * @return the outcome: anonymous, a valid name, or why the query is refused
	 */
	static Result fromQuery(@Nullable String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return Result.ANONYMOUS;
		}
		String user = null;
		for (String pair : rawQuery.split("&", -1)) {
			int equals = pair.indexOf('=');
			String name = (equals >= 0) ? pair.substring(0, equals) : pair;
			String value = (equals >= 0) ? pair.substring(equals + 1) : "";
			String decodedName = decode(name);
			if (!PARAMETER.equals(decodedName)) {
				continue;
			}
			if (user != null) {
				return Result.refused("The 'user' query parameter may be given only once");
			}
			user = decode(value);
			if (user == null) {
				return Result.refused("The 'user' query parameter is not valid percent-encoded UTF-8");
			}
		}
		if (user == null) {
			return Result.ANONYMOUS;
		}
		if (!RULE.matcher(user).matches()) {
			return Result.refused("The 'user' query parameter must be " + RULE_DESCRIPTION);
		}
		return new Result(user, null);
	}

	private static @Nullable String decode(String text) {
		try {
			return URLDecoder.decode(text, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * What the query says about the user.
	 *
	 * @param name the valid user name, or {@code null} when anonymous or refused
	 * @param error why the query is refused, or {@code null} when it is not
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

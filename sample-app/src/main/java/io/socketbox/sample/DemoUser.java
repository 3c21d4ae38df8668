package io.socketbox.sample;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

	static final int MAX_PARAMETERS = 20;

	static final Pattern RULE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

	static final String RULE_DESCRIPTION = "1 to " + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ -";

	private DemoUser() {
	}

	/**
	 * Read the user from a raw (still percent-encoded) query string. The whole query must
	 * be well formed, not only the {@code user} parameter: Tomcat's WebSocket upgrade
	 * parses it again and fails with a server error on a malformed escape, a parameter
	 * without a name or more parameters than it allows.
	 * @param rawQuery the query, without the {@code ?}; {@code null} when there is none
	 * @return the outcome: anonymous, a valid name, or why the query is refused
	 */
	static Result fromQuery(@Nullable String rawQuery) {
		if (rawQuery == null || rawQuery.isEmpty()) {
			return Result.ANONYMOUS;
		}
		try {
			new URI("http://localhost/?" + rawQuery);
		}
		catch (URISyntaxException ex) {
			return Result.refused("The query is not a valid URI query");
		}
		String[] pairs = rawQuery.split("&", -1);
		if (pairs.length > MAX_PARAMETERS) {
			return Result.refused("The query may have at most " + MAX_PARAMETERS + " parameters");
		}
		String user = null;
		for (String pair : pairs) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = decode((equals >= 0) ? pair.substring(0, equals) : pair);
			String value = decode((equals >= 0) ? pair.substring(equals + 1) : "");
			if (name == null || value == null) {
				return Result.refused("The query is not valid percent-encoded UTF-8");
			}
			if (name.isEmpty()) {
				return Result.refused("The query has a parameter without a name");
			}
			if (!PARAMETER.equals(name)) {
				continue;
			}
			if (user != null) {
				return Result.refused("The 'user' query parameter may be given only once");
			}
			user = value;
		}
		if (user == null) {
			return Result.ANONYMOUS;
		}
		if (!RULE.matcher(user).matches()) {
			return Result.refused("The 'user' query parameter must be " + RULE_DESCRIPTION);
		}
		return new Result(user, null);
	}

	/**
	 * Decode {@code application/x-www-form-urlencoded} text strictly: every {@code %} is
	 * followed by two hex digits, only printable ASCII appears unescaped, and the bytes are
	 * valid UTF-8.
	 * @return the text, or {@code null} when it is malformed
	 */
	private static @Nullable String decode(String text) {
		ByteBuffer bytes = ByteBuffer.allocate(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%') {
				if (i + 2 >= text.length()) {
					return null;
				}
				int high = hex(text.charAt(i + 1));
				int low = hex(text.charAt(i + 2));
				if (high < 0 || low < 0) {
					return null;
				}
				bytes.put((byte) ((high << 4) | low));
				i += 2;
			}
			else if (c == '+') {
				bytes.put((byte) ' ');
			}
			else if (c > ' ' && c < 0x7F) {
				bytes.put((byte) c);
			}
			else {
				return null;
			}
		}
		bytes.flip();
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(bytes)
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static int hex(char c) {
		if (c >= '0' && c <= '9') {
			return c - '0';
		}
		if (c >= 'a' && c <= 'f') {
			return c - 'a' + 10;
		}
		if (c >= 'A' && c <= 'F') {
			return c - 'A' + 10;
		}
		return -1;
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

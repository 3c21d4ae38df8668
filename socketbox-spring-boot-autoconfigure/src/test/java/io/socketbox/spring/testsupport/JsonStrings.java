package io.socketbox.spring.testsupport;

/**
 * Writes any Java string, lone surrogates included, as a JSON string literal of
 * printable ASCII, the way a browser's {@code JSON.stringify} writes a lone surrogate
 * ({@code "\ud800"}): the frame that carries it is valid UTF-8, and the server's JSON
 * parser turns the escape back into a lone surrogate.
 */
public final class JsonStrings {

	private JsonStrings() {
	}

	/**
	 * Return the text as a JSON string literal, quotes included.
	 * @param text the text
	 * @return the literal
	 */
	public static String literal(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c >= 0x20 && c < 0x7F) {
				json.append(c);
			}
			else {
				json.append(String.format("\\u%04x", (int) c));
			}
		}
		return json.append('"').toString();
	}

}

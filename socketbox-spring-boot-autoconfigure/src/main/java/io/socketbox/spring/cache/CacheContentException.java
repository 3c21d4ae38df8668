package io.socketbox.spring.cache;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link CacheProvider} when a key holds something other than what the
 * operation expects: another data type (a Redis string where a set is expected), an
 * entry of an unexpected Java type, or content that the provider did not write. The
 * cache itself was reached: the key's content is the problem, and
 * {@link CacheProvider#clear(String)} removes it.
 * <p>
 * The message names the key, what it holds and what was expected, for example
 * {@code Cluster cache key 'socketbox:members' holds a string, expected a set}. Control
 * characters in the key and the description are escaped, since both may come from
 * whoever else writes to the cache.
 */
public final class CacheContentException extends RuntimeException {

	private final String key;

	private final String found;

	/**
	 * Create an exception.
	 * @param key the key whose content is unexpected
	 * @param found what the key holds, for example {@code "a string"}
	 * @param expected what the operation expects, for example {@code "a set"}
	 * @param cause the exception of the store that reported the problem, if any
	 */
	public CacheContentException(String key, String found, String expected, @Nullable Throwable cause) {
		super("Cluster cache key '" + printable(key) + "' holds " + printable(found) + ", expected " + expected, cause);
		this.key = key;
		this.found = found;
	}

	/**
	 * Return the key whose content is unexpected.
	 * @return the key
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Return what the key holds.
	 * @return a description of the content, for example {@code "a string"}
	 */
	public String getFound() {
		return this.found;
	}

	private static String printable(String text) {
		StringBuilder result = new StringBuilder(text.length());
		text.codePoints().forEach((codePoint) -> {
			if (Character.isISOControl(codePoint)) {
				result.append(String.format("\\u%04x", codePoint));
			}
			else {
				result.appendCodePoint(codePoint);
			}
		});
		return result.toString();
	}

}

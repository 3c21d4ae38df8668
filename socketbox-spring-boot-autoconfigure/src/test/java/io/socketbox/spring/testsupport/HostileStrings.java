package io.socketbox.spring.testsupport;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generates text as a hostile client or a careless application would: lone high and
 * low surrogates, reversed pairs, runs of surrogates, a high surrogate at the very end,
 * valid pairs, NUL and control characters, noncharacters, byte order marks, line
 * separators, JSON and peer frame delimiters, and plain text, in any order and up to a
 * given length.
 */
public final class HostileStrings {

	private HostileStrings() {
	}

	/**
	 * Return text of at most about the given number of characters.
	 * @param maxLength the most characters, but for one last piece
	 * @return the arbitrary
	 */
	public static Arbitrary<String> upTo(int maxLength) {
		Arbitrary<String> pieces = piece().list()
			.ofMaxSize(Math.max(1, Math.min(64, maxLength / 2)))
			.map((list) -> String.join("", list));
		Arbitrary<String> longRuns = Arbitraries
			.frequencyOf(Tuple.of(1, piece()), Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)))
			.flatMap((piece) -> Arbitraries.integers()
				.between(1, Math.max(1, maxLength / Math.max(1, piece.length())))
				.map(piece::repeat));
		Arbitrary<String> endingHigh = pieces.map((text) -> text + '\uD800');
		return Arbitraries
			.frequencyOf(Tuple.of(6, pieces), Tuple.of(2, longRuns), Tuple.of(1, endingHigh),
					Tuple.of(1, Arbitraries.strings().all().ofMaxLength(maxLength)))
			.map((text) -> (text.length() > maxLength + 8) ? text.substring(0, maxLength) : text);
	}

	/**
	 * Return one piece of text: a class of character or a short run of them.
	 * @return the arbitrary
	 */
	public static Arbitrary<String> piece() {
		Arbitrary<Character> high = Arbitraries.chars().range('\uD800', '\uDBFF');
		Arbitrary<Character> low = Arbitraries.chars().range('\uDC00', '\uDFFF');
		Arbitrary<Character> surrogate = Arbitraries.chars().range('\uD800', '\uDFFF');
		return Arbitraries.oneOf(List.of(
				high.map(String::valueOf),
				low.map(String::valueOf),
				Arbitraries.of("\uD800", "\uDBFF", "\uDC00", "\uDFFF"),
				low.flatMap((l) -> high.map((h) -> "" + l + h)),
				high.flatMap((h) -> low.map((l) -> "" + h + l)),
				Arbitraries.of("\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF"),
				surrogate.list().ofMinSize(2).ofMaxSize(12).map(HostileStrings::join),
				high.list().ofMinSize(2).ofMaxSize(6).map(HostileStrings::join),
				Arbitraries.chars().range('\u0000', '\u001F').map(String::valueOf),
				Arbitraries.of("\u0000", "\u007F", "\u0085", "\u009F", "\r\n", "\n", "\r"),
				Arbitraries.of("\uFFFE", "\uFFFF", "\uFDD0", "\uFDEF", "\uFEFF", "\uFFFD", "\u2028", "\u2029"),
				Arbitraries.of("\"", "\\", "\\u", "\\ud800", "{", "}", "[", "]", ":", ",", "/", "</script>"),
				Arbitraries.strings().ascii().ofMinLength(1).ofMaxLength(12),
				Arbitraries.strings().all().ofMinLength(1).ofMaxLength(6),
				Arbitraries.of("é", "\u00FF", "\u0800", "\uFFFD", "日本語", "\uD834\uDD1E")));
	}

	private static String join(List<Character> chars) {
		StringBuilder builder = new StringBuilder(chars.size());
		chars.forEach(builder::append);
		return builder.toString();
	}

}

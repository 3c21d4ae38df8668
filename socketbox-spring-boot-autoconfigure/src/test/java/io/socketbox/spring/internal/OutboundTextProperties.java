package io.socketbox.spring.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.socketbox.spring.testsupport.HostileStrings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link OutboundText} on arbitrary text, including every kind of invalid UTF-16: what
 * it returns always encodes as UTF-8, and only lone surrogates change, each into
 * U+FFFD.
 */
class OutboundTextProperties {

	@Property(tries = 200)
	void wellFormedTextEncodesWithAStrictEncoder(@ForAll("hostile") String text) {
		assertThatNoException().isThrownBy(() -> strictUtf8().encode(CharBuffer.wrap(OutboundText.toWellFormed(text))));
		assertThatNoException().isThrownBy(() -> strictUtf8().encode(CharBuffer.wrap(OutboundText.of(text).text())));
	}

	@Property(tries = 200)
	void onlyLoneSurrogatesChangeEachIntoOneReplacementCharacter(@ForAll("hostile") String text) {
		assertThat(OutboundText.toWellFormed(text)).isEqualTo(replaceLoneSurrogates(text));
		assertThat(OutboundText.of(text).text()).isEqualTo(replaceLoneSurrogates(text));
	}

	@Property(tries = 200)
	void toWellFormedIsIdempotent(@ForAll("hostile") String text) {
		String once = OutboundText.toWellFormed(text);
		assertThat(OutboundText.toWellFormed(once)).isSameAs(once);
		assertThat(OutboundText.of(once).text()).isSameAs(once);
	}

	@Property(tries = 200)
	void wellFormedTextIsReturnedAsItIs(@ForAll("hostile") String text) {
		boolean encodable = encodes(text);
		assertThat(OutboundText.isWellFormed(text)).isEqualTo(encodable);
		if (encodable) {
			assertThat(OutboundText.toWellFormed(text)).isSameAs(text);
			assertThat(OutboundText.of(text).text()).isSameAs(text);
		}
		else {
			assertThat(OutboundText.toWellFormed(text)).isNotEqualTo(text);
		}
	}

	@Property(tries = 200)
	void sizeIsTheUtf8LengthOfTheText(@ForAll("hostile") String text) {
		OutboundText message = OutboundText.of(text);
		assertThat(message.size()).isEqualTo(message.text().getBytes(StandardCharsets.UTF_8).length);
	}

	@Property(tries = 200)
	void payloadIsTheUtf8OfTheTextAndEachViewIsItsOwn(@ForAll("hostile") String text) {
		OutboundText message = OutboundText.of(text);
		byte[] expected = message.text().getBytes(StandardCharsets.UTF_8);
		ByteBuffer first = message.payload();
		assertThat(first.isReadOnly()).isTrue();
		assertThat(first.remaining()).isEqualTo(message.size());
		byte[] read = new byte[first.remaining()];
		first.get(read);
		assertThat(read).isEqualTo(expected);
		// A write that consumed its view leaves the next connection's whole
		ByteBuffer second = message.payload();
		assertThat(second.remaining()).isEqualTo(expected.length);
		assertThat(second).isEqualTo(ByteBuffer.wrap(expected));
	}

	@Example
	void everyKindOfLoneSurrogateIsReplaced() {
		assertThat(OutboundText.toWellFormed("EVIL\uD800")).isEqualTo("EVIL\uFFFD");
		assertThat(OutboundText.toWellFormed("\uDC00x")).isEqualTo("\uFFFDx");
		assertThat(OutboundText.toWellFormed("\uDC00\uD800")).isEqualTo("\uFFFD\uFFFD");
		assertThat(OutboundText.toWellFormed("\uD800\uD800\uDC00")).isEqualTo("\uFFFD\uD800\uDC00");
		assertThat(OutboundText.of("\uD83D\uDE00\uD83D").size()).isEqualTo(7);
	}

	@Provide
	Arbitrary<String> hostile() {
		return HostileStrings.upTo(20_000);
	}

	/**
	 * The rule, written independently of the class: every code point that is a
	 * surrogate (what {@link String#codePoints()} yields for a lone one) becomes U+FFFD.
	 */
	private static String replaceLoneSurrogates(String text) {
		StringBuilder expected = new StringBuilder(text.length());
		text.codePoints().map((c) -> (c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c).forEach(expected::appendCodePoint);
		return expected.toString();
	}

	private static boolean encodes(String text) {
		try {
			strictUtf8().encode(CharBuffer.wrap(text));
			return true;
		}
		catch (CharacterCodingException ex) {
			return false;
		}
	}

	private static CharsetEncoder strictUtf8() {
		return StandardCharsets.UTF_8.newEncoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

}

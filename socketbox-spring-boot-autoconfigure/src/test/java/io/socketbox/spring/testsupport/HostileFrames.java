package io.socketbox.spring.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generates what a hostile client writes after the opening handshake, one chunk of
 * bytes at a time: frames with random opcodes, RSV bits, masking and lengths that lie,
 * text frames of invalid UTF-8, fragments out of place, control frames over 125 bytes,
 * well-formed text, and garbage.
 */
public final class HostileFrames {

	private static final List<byte[]> INVALID_UTF8 = List.of(new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
			new byte[] { (byte) 0xC0, (byte) 0x80 }, new byte[] { (byte) 0xFF }, new byte[] { (byte) 0xF4, (byte) 0x90,
					(byte) 0x80, (byte) 0x80 },
			new byte[] { (byte) 0xE2, (byte) 0x82 }, new byte[] { (byte) 0x80 },
			new byte[] { (byte) 0xED, (byte) 0xB0, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80 });

	private HostileFrames() {
	}

	/**
	 * Return a list of chunks to write in order.
	 * @param textPrefix a prefix for some of the text frames (a command of the
	 * application, say), or an empty string
	 * @return the arbitrary
	 */
	public static Arbitrary<List<byte[]>> chunks(String textPrefix) {
		return chunk(textPrefix).list().ofMinSize(1).ofMaxSize(8);
	}

	/**
	 * Return one chunk.
	 * @param textPrefix a prefix for some of the text frames
	 * @return the arbitrary
	 */
	public static Arbitrary<byte[]> chunk(String textPrefix) {
		Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
		Arbitrary<byte[]> mask = Arbitraries.bytes().array(byte[].class).ofSize(4).injectNull(0.2);
		Arbitrary<byte[]> anyFrame = Combinators
			.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 7),
					Arbitraries.integers().between(0, 15), mask, bytes, Arbitraries.integers().between(-2, 2))
			.as((fin, rsv, opcode, key, payload, lie) -> RawWebSocket.frame(fin, rsv, opcode, key, payload,
					Math.max(0, payload.length + lie)));
		Arbitrary<byte[]> hugeLength = Combinators
			.combine(Arbitraries.integers().between(0, 15),
					Arbitraries.longs().between(70_000, Long.MAX_VALUE), bytes)
			.as((opcode, length, payload) -> RawWebSocket.frame(true, 0, opcode, new byte[] { 9, 9, 9, 9 }, payload,
					length));
		Arbitrary<byte[]> invalidText = Combinators
			.combine(Arbitraries.strings().ascii().ofMaxLength(20), Arbitraries.of(INVALID_UTF8),
					Arbitraries.of(true, false))
			.as((text, invalid, fin) -> RawWebSocket.frame(fin, 0, RawWebSocket.TEXT, new byte[] { 5, 6, 7, 8 },
					concat((textPrefix + text).getBytes(StandardCharsets.UTF_8), invalid),
					(textPrefix + text).getBytes(StandardCharsets.UTF_8).length + invalid.length));
		Arbitrary<byte[]> control = Combinators
			.combine(Arbitraries.of(RawWebSocket.CLOSE, RawWebSocket.PING, RawWebSocket.PONG),
					Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(400))
			.as(RawWebSocket::frame);
		Arbitrary<byte[]> fragment = Combinators
			.combine(Arbitraries.of(RawWebSocket.TEXT, RawWebSocket.CONTINUATION, RawWebSocket.BINARY),
					Arbitraries.of(true, false), HostileStrings.upTo(200))
			.as((opcode, fin, text) -> RawWebSocket.frame(fin, 0, opcode, new byte[] { 1, 1, 1, 1 },
					(textPrefix + text).getBytes(StandardCharsets.UTF_8),
					(textPrefix + text).getBytes(StandardCharsets.UTF_8).length));
		Arbitrary<byte[]> wellFormedText = HostileStrings.upTo(300)
			.map((text) -> RawWebSocket.frame(RawWebSocket.TEXT, (textPrefix + text).getBytes(StandardCharsets.UTF_8)));
		return Arbitraries.frequencyOf(Tuple.of(4, anyFrame), Tuple.of(1, hugeLength), Tuple.of(2, invalidText),
				Tuple.of(2, control), Tuple.of(2, fragment), Tuple.of(2, wellFormedText), Tuple.of(1, bytes));
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = new byte[first.length + second.length];
		System.arraycopy(first, 0, both, 0, first.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

}

package io.socketbox.spring.internal.session;

import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.session.SessionFrames.ClientFrame;
import io.socketbox.spring.testsupport.HostileStrings;
import io.socketbox.spring.testsupport.JsonStrings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The parser of what a session client sends, against any frame: it returns what the
 * frame says or refuses it with an {@link SessionFrames.InvalidFrameException}, never
 * another exception, and every message for the application reaches it unchanged.
 */
class SessionFramesProperties {

	@Property(tries = 500)
	void anyFrameIsReadOrRefusedWithAReason(@ForAll("frames") String frame) {
		try {
			ClientFrame parsed = SessionFrames.parse(frame);
			assertThat(parsed).isNotNull();
			if (parsed instanceof ClientFrame.Numbered numbered) {
				assertThat(numbered.seq()).isBetween(1L, (1L << 53) - 1);
			}
			if (parsed instanceof ClientFrame.Resume resume) {
				assertThat(resume.direct()).isNotNegative();
				assertThat(resume.broadcasts().values()).allSatisfy((position) -> assertThat(position).isNotNegative());
				assertThat(resume.token().length()).isLessThanOrEqualTo(SessionTokens.MAX_LENGTH);
			}
		}
		catch (SessionFrames.InvalidFrameException ex) {
			assertThat(ex.getMessage()).isNotBlank();
		}
	}

	@Property(tries = 300)
	void aMessageReachesTheApplicationUnchanged(@ForAll("texts") String text) {
		assertThat(SessionFrames.parse("a " + text)).isEqualTo(new ClientFrame.Message(text));
	}

	@Property(tries = 300)
	void aNumberedMessageReachesTheApplicationUnchangedWithItsSeq(@ForAll("seqs") long seq,
			@ForAll("texts") String text) {
		assertThat(SessionFrames.parse("m " + seq + " " + text)).isEqualTo(new ClientFrame.Numbered(seq, text));
	}

	@Property(tries = 300)
	void aNumberedMessageIsReadOnlyWithASeqFromOneTo2To53Minus1(@ForAll("seqTexts") String seq) {
		// The seq ends at the first space; the rest is the text
		String frame = "m " + seq + " text";
		int space = seq.indexOf(' ');
		String field = (space >= 0) ? seq.substring(0, space) : seq;
		String text = (space >= 0) ? seq.substring(space + 1) + " text" : "text";
		boolean valid = field.matches("[1-9][0-9]{0,15}") && Long.parseLong(field) <= (1L << 53) - 1;
		if (valid) {
			assertThat(SessionFrames.parse(frame)).isEqualTo(new ClientFrame.Numbered(Long.parseLong(field), text));
		}
		else {
			assertThatExceptionOfType(SessionFrames.InvalidFrameException.class)
				.isThrownBy(() -> SessionFrames.parse(frame));
		}
	}

	@Property(tries = 300)
	void framesThatAreNeitherMessagesNorControlsAreRefused(@ForAll("texts") String text) {
		if (text.startsWith("a ") || text.startsWith("c ") || text.matches("(?s)m [1-9][0-9]{0,15} .*")) {
			return;
		}
		assertThatExceptionOfType(SessionFrames.InvalidFrameException.class).isThrownBy(() -> SessionFrames.parse(text));
	}

	@Property(tries = 300)
	void aResumeIsReadAsWritten(@ForAll("tokens") String token, @ForAll("positions") long direct,
			@ForAll("origins") Map<String, Long> broadcasts) {
		JsonMapper mapper = JsonMapper.shared();
		var resume = mapper.createObjectNode().put("t", "resume").put("token", token).put("d", direct);
		var b = resume.putObject("b");
		broadcasts.forEach(b::put);
		assertThat(SessionFrames.parse("c " + mapper.writeValueAsString(resume)))
			.isEqualTo(new ClientFrame.Resume(token, direct, broadcasts));
	}

	@Provide
	Arbitrary<Long> seqs() {
		return Arbitraries.oneOf(Arbitraries.longs().between(1, (1L << 53) - 1), Arbitraries.of(1L, (1L << 53) - 1));
	}

	@Provide
	Arbitrary<String> seqTexts() {
		return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
				Arbitraries.strings().withChars("0123456789-+ x").ofMaxLength(20),
				Arbitraries.of("9007199254740991", "9007199254740992", "99999999999999999", "0", "01", "", " 1"),
				HostileStrings.upTo(20));
	}

	@Provide
	Arbitrary<String> frames() {
		Arbitrary<String> value = Arbitraries.oneOf(HostileStrings.upTo(30).map(JsonStrings::literal),
				Arbitraries.of("0", "-1", "1.5", "1e3", "9223372036854775807", "9223372036854775808", "true", "null",
						"[]", "{}", "{\"a\":1}", "{\"0a\":3,\"zz\":0}", "{\"\":1}", "\"resume\"", "\"hello\""));
		Arbitrary<String> key = Arbitraries.of("t", "token", "d", "b", "x");
		Arbitrary<String> objects = Arbitraries.maps(key, value)
			.ofMaxSize(5)
			.map((fields) -> {
				StringBuilder json = new StringBuilder("{");
				fields.forEach((k, v) -> json.append((json.length() > 1) ? "," : "").append('"').append(k).append("\":").append(v));
				return json.append('}').toString();
			});
		Arbitrary<String> resumes = Arbitraries.maps(Arbitraries.of("token", "d", "b"), value)
			.ofMaxSize(3)
			.map((fields) -> {
				StringBuilder json = new StringBuilder("{\"t\":\"resume\"");
				fields.forEach((k, v) -> json.append(",\"").append(k).append("\":").append(v));
				return json.append('}').toString();
			});
		Arbitrary<String> json = Arbitraries.oneOf(objects, resumes, HostileStrings.upTo(80),
				Arbitraries.of("{\"t\":\"resume\",\"token\":\"x\",\"d\":1e3}", "{\"t\":\"resume\",\"token\":\"x\",\"d\":99999999999999999999}",
						"{\"t\":\"resume\",\"token\":\"x\",\"b\":{\"A\":1}}", "{\"t\":\"resume\",\"token\":\"x\",\"b\":[1]}",
						"{\"t\":\"resume\",\"token\":\"x\",\"b\":{\"a\":-1}}", "{\"t\":\"resume\",\"token\":5}",
						"{\"t\":\"hello\"}", "{\"t\":5}", "{\"t\":null}", "null", "[]", "{\"t\":\"resume\",\"token\":\""
								+ "x".repeat(SessionTokens.MAX_LENGTH + 1) + "\"}"));
		return Arbitraries.oneOf(json.map((text) -> "c " + text), HostileStrings.upTo(80),
				HostileStrings.upTo(40).map((text) -> "a " + text),
				HostileStrings.upTo(40).map((text) -> "m " + text),
				Arbitraries.of("", "a", "c", "c ", "a ", "b 1 2 x", "m", "m ", "m 1", "m 1 ", "m 0 x"));
	}

	@Provide
	Arbitrary<String> texts() {
		return HostileStrings.upTo(200);
	}

	@Provide
	Arbitrary<String> tokens() {
		return HostileStrings.upTo(100);
	}

	@Provide
	Arbitrary<Long> positions() {
		return Arbitraries.longs().between(0, Long.MAX_VALUE);
	}

	@Provide
	Arbitrary<Map<String, Long>> origins() {
		return Arbitraries.maps(Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'z').ofMinLength(1).ofMaxLength(64),
				positions()).ofMaxSize(10);
	}

}

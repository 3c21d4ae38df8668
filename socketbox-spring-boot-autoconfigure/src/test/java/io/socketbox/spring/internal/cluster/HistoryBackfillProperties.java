package io.socketbox.spring.internal.cluster;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.session.BroadcastHistory;
import io.socketbox.spring.testsupport.HostileStrings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader of a peer's {@code b-history} part, against any origin and payload: it
 * returns broadcasts at rising positions from 1, each with its text, for an origin that
 * is a node id, or {@code null} (and the link closes), never throws; and a part written
 * by a node reads back as written.
 */
class HistoryBackfillProperties {

	@Property(tries = 1000)
	void anyPartIsReadAsRisingPositionsOrRefused(@ForAll("origins") String origin, @ForAll("payloads") String payload) {
		List<BroadcastHistory.Kept> kept = HistoryBackfill.read(origin, payload);
		if (kept != null) {
			assertThat(origin).matches("[0-9a-z]{1,64}");
			long previous = 0;
			for (BroadcastHistory.Kept entry : kept) {
				assertThat(entry.position()).isGreaterThan(previous);
				assertThat(entry.text()).isNotNull();
				previous = entry.position();
			}
		}
	}

	@Property(tries = 300)
	void aPartReadsBackAsWritten(@ForAll("positions") List<Long> positions, @ForAll("texts") String text) {
		List<Long> rising = positions.stream().distinct().sorted().toList();
		List<String> texts = rising.stream().map((position) -> text + position).toList();
		String payload = JsonMapper.shared().writeValueAsString(new HistoryBackfill.Part(rising, texts));
		assertThat(HistoryBackfill.read("0abc", payload)).extracting(BroadcastHistory.Kept::position)
			.containsExactlyElementsOf(rising);
	}

	@Provide
	Arbitrary<String> origins() {
		return Arbitraries.oneOf(Arbitraries.of("0mx4x2uju9su3vl", "a", "A", "", "a b", "-1", "x".repeat(65)),
				HostileStrings.upTo(20));
	}

	@Provide
	Arbitrary<String> payloads() {
		Arbitrary<String> numbers = Arbitraries.of("0", "1", "-1", "2", "1.5", "null", "\"1\"", "9223372036854775807",
				"9223372036854775808", "[]", "{}");
		Arbitrary<String> strings = Arbitraries.oneOf(HostileStrings.upTo(10).map(JsonMapper.shared()::writeValueAsString),
				Arbitraries.of("null", "1", "[]"));
		Arbitrary<String> parts = Arbitraries
			.oneOf(numbers.list().ofMaxSize(4).map((list) -> String.join(",", list)), Arbitraries.just(""))
			.flatMap((p) -> strings.list()
				.ofMaxSize(4)
				.map((t) -> "{\"p\":[" + p + "],\"t\":[" + String.join(",", t) + "]}"));
		return Arbitraries.oneOf(parts, HostileStrings.upTo(60),
				Arbitraries.of("", "null", "[]", "{}", "{\"p\":null,\"t\":[]}", "{\"p\":[1],\"t\":null}",
						"{\"p\":[1,1],\"t\":[\"a\",\"b\"]}", "{\"p\":[2,1],\"t\":[\"a\",\"b\"]}"));
	}

	@Provide
	Arbitrary<List<Long>> positions() {
		return Arbitraries.longs().between(1, Long.MAX_VALUE).list().ofMaxSize(20);
	}

	@Provide
	Arbitrary<String> texts() {
		return HostileStrings.upTo(30);
	}

}

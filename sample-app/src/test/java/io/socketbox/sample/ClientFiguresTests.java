package io.socketbox.sample;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClientFigures} merges what several processes of clients counted.
 */
class ClientFiguresTests {

	@Test
	void countsAddUpWholeRunFiguresTakeTheLargestAndTheMedianCoversEveryClient() {
		JsonNode merged = ClientFigures.merge(List.of(
				read("{\"expected\":10,\"silent\":1,\"lostInCrash\":3,\"longestGapMs\":700,\"longestGaps\":[100,700],"
						+ "\"gapReasons\":{\"direct overflow\":2},\"silentExamples\":[\"c0 b x 1\"]}"),
				read("{\"expected\":5,\"silent\":0,\"lostInCrash\":4,\"longestGapMs\":300,\"longestGaps\":[200,300,400],"
						+ "\"gapReasons\":{\"direct overflow\":1,\"broadcast history\":1},\"silentExamples\":[]}")));
		assertThat(merged.path("expected").asLong()).isEqualTo(15);
		assertThat(merged.path("silent").asLong()).isEqualTo(1);
		assertThat(merged.path("lostInCrash").asLong()).isEqualTo(4);
		assertThat(merged.path("longestGapMs").asLong()).isEqualTo(700);
		assertThat(merged.path("medianLongestGapMs").asLong()).isEqualTo(300);
		assertThat(merged.path("gapReasons").path("direct overflow").asLong()).isEqualTo(3);
		assertThat(merged.path("gapReasons").path("broadcast history").asLong()).isEqualTo(1);
		assertThat(merged.path("silentExamples").values()).extracting(JsonNode::asString).containsExactly("c0 b x 1");
	}

	private static JsonNode read(String json) {
		return JsonMapper.shared().readTree(json);
	}

}

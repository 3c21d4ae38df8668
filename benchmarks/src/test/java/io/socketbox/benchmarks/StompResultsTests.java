package io.socketbox.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StompResults}.
 */
class StompResultsTests {

	@Test
	void targetsJudgedOnTheFigures() {
		StompResults results = new StompResults();
		results.put(StompScenario.SOCKETBOX, "saturated", Map.of("deliveries", 60_000.0, "lost", 0.0, "duplicates", 0.0));
		results.put(StompScenario.SOCKETBOX, "fixed", Map.of("p99", 3.0, "lost", 0.0, "duplicates", 1.0));
		results.put(StompScenario.RELAY, "saturated", Map.of("deliveries", 7_000.0));
		results.put(StompScenario.RELAY, "fixed", Map.of("p99", 2.0));
		results.put(StompScenario.SIMPLE, "saturated", Map.of("deliveries", 64_000.0));
		assertThat(results.verdicts()).containsExactly(
				Map.entry("saturated deliveries/s >= 10 x the relay's", false),
				Map.entry("saturated deliveries/s >= 85 % of the single-node simple broker's", true),
				Map.entry("p99 at 200 msg/s below the relay's", false),
				Map.entry("zero lost or duplicated (both rounds)", false));
	}

	@Test
	void withoutTheRelayItsTargetsAreNotJudgedAndItsColumnIsEmpty() {
		StompResults results = new StompResults();
		results.put(StompScenario.SOCKETBOX, "saturated", Map.of("deliveries", 60_000.0, "lost", 0.0, "duplicates", 0.0));
		results.put(StompScenario.SOCKETBOX, "fixed", Map.of("p99", 3.0, "lost", 0.0, "duplicates", 0.0));
		results.put(StompScenario.SIMPLE, "saturated", Map.of("deliveries", 64_000.0));
		results.note("RabbitMQ is not installed");
		Map<String, Boolean> verdicts = results.verdicts();
		assertThat(verdicts.get("saturated deliveries/s >= 10 x the relay's")).isNull();
		assertThat(verdicts.get("zero lost or duplicated (both rounds)")).isTrue();
		String markdown = results.toMarkdown();
		assertThat(markdown).contains("| saturated | deliveries/s | 60,000 | - | 64,000 |")
			.contains("not judged")
			.contains("RabbitMQ is not installed");
		assertThat(results.toSvg("a <test>")).startsWith("<svg")
			.contains("not run")
			.contains("a &lt;test&gt;")
			.contains("60,000");
	}

}

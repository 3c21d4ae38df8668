package io.socketbox.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.socketbox.benchmarks.StompScenario.StompSystem;

/**
 * The figures of scenario 10 by system and round, the targets judged on them, a
 * Markdown table and an SVG bar chart.
 */
final class StompResults {

	private final Map<String, Map<String, Double>> figures = new LinkedHashMap<>();

	private final List<String> notes = new ArrayList<>();

	void put(StompSystem system, String round, Map<String, Double> values) {
		this.figures.put(system.mode() + "/" + round, values);
	}

	void note(String note) {
		this.notes.add(note);
	}

	double get(StompSystem system, String round, String key) {
		return this.figures.getOrDefault(system.mode() + "/" + round, Map.of()).getOrDefault(key, Double.NaN);
	}

	/**
	 * Return each target of the issue with whether it was met, {@code null} when a
	 * figure it needs is missing.
	 */
	Map<String, Boolean> verdicts() {
		StompSystem a = StompScenario.SOCKETBOX;
		Map<String, Boolean> verdicts = new LinkedHashMap<>();
		verdicts.put("saturated deliveries/s >= 10 x the relay's",
				judge(get(a, "saturated", "deliveries"), get(StompScenario.RELAY, "saturated", "deliveries"),
						(x, y) -> x >= 10 * y));
		verdicts.put("saturated deliveries/s >= 85 % of the single-node simple broker's",
				judge(get(a, "saturated", "deliveries"), get(StompScenario.SIMPLE, "saturated", "deliveries"),
						(x, y) -> x >= 0.85 * y));
		verdicts.put("p99 at 200 msg/s below the relay's",
				judge(get(a, "fixed", "p99"), get(StompScenario.RELAY, "fixed", "p99"), (x, y) -> x < y));
		double lost = get(a, "saturated", "lost") + get(a, "fixed", "lost") + get(a, "saturated", "duplicates")
				+ get(a, "fixed", "duplicates");
		verdicts.put("zero lost or duplicated (both rounds)", Double.isNaN(lost) ? null : lost == 0);
		return verdicts;
	}

	private static Boolean judge(double a, double b, Comparison comparison) {
		return (Double.isNaN(a) || Double.isNaN(b)) ? null : comparison.test(a, b);
	}

	String toMarkdown() {
		List<StompSystem> systems = List.of(StompScenario.SOCKETBOX, StompScenario.RELAY, StompScenario.SIMPLE);
		StringBuilder md = new StringBuilder();
		md.append("### 10 STOMP, 200 subscribers, 64-byte messages, one publisher\n\n");
		md.append("| round | figure |");
		systems.forEach((system) -> md.append(' ').append(system.name()).append(" |"));
		md.append("\n|---|---|---:|---:|---:|\n");
		String[][] rows = { { "saturated", "deliveries", "deliveries/s", "%,.0f" },
				{ "saturated", "sent", "messages/s sent", "%,.0f" }, { "saturated", "p50", "latency p50 (ms)", "%.1f" },
				{ "saturated", "p99", "latency p99 (ms)", "%.1f" }, { "saturated", "lost", "lost deliveries", "%,.0f" },
				{ "saturated", "duplicates", "duplicated deliveries", "%,.0f" },
				{ "saturated", "closed", "subscribers closed by the server", "%.0f" },
				{ "fixed", "deliveries", "deliveries/s", "%,.0f" }, { "fixed", "p50", "latency p50 (ms)", "%.1f" },
				{ "fixed", "p99", "latency p99 (ms)", "%.1f" }, { "fixed", "max", "latency max (ms)", "%.1f" },
				{ "fixed", "lost", "lost deliveries", "%,.0f" },
				{ "fixed", "duplicates", "duplicated deliveries", "%,.0f" },
				{ "fixed", "closed", "subscribers closed by the server", "%.0f" } };
		for (String[] row : rows) {
			md.append("| ").append(row[0].equals("fixed") ? "200 msg/s" : "saturated").append(" | ").append(row[2]);
			md.append(" |");
			for (StompSystem system : systems) {
				double value = get(system, row[0], row[1]);
				md.append(' ').append(Double.isNaN(value) ? "-" : String.format(Locale.ROOT, row[3], value)).append(" |");
			}
			md.append('\n');
		}
		md.append("\nTargets (SocketBox, 2 nodes):\n\n");
		verdicts().forEach((target, met) -> md.append("- ")
			.append(target)
			.append(": ")
			.append((met == null) ? "not judged (a figure is missing)" : met ? "met" : "MISSED")
			.append('\n'));
		this.notes.forEach((note) -> md.append("\n").append(note).append('\n'));
		return md.toString();
	}

	/**
	 * Return an SVG chart: saturated deliveries/s and p99 at 200 msg/s, one bar per
	 * system, each panel scaled to its largest value.
	 */
	String toSvg(String subtitle) {
		List<StompSystem> systems = List.of(StompScenario.SOCKETBOX, StompScenario.RELAY, StompScenario.SIMPLE);
		List<String> names = systems.stream().map(StompSystem::name).toList();
		return new SvgChart(760, 330, "STOMP: 200 subscribers, 64-byte messages, one publisher", subtitle)
			.bars(20, "Saturated deliveries/s (higher is better)", names, values(systems, "saturated", "deliveries"),
					"%,.0f")
			.bars(400, "Latency p99 at 200 msg/s, ms (lower is better)", names, values(systems, "fixed", "p99"),
					"%,.1f")
			.toString();
	}

	private double[] values(List<StompSystem> systems, String round, String key) {
		return systems.stream().mapToDouble((system) -> get(system, round, key)).toArray();
	}

	@FunctionalInterface
	private interface Comparison {

		boolean test(double a, double b);

	}

}

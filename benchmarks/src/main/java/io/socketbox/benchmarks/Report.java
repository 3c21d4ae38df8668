package io.socketbox.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as a Markdown table: one row per figure, SocketBox (A) and Socket.IO (B)
 * side by side with their ratio and the target of the issue where there is one.
 */
final class Report {

	private final List<String> rows = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	void row(String scenario, String metric, Unit unit, double a, double b, String target, Boolean met) {
		String ratio = (Double.isFinite(a) && Double.isFinite(b) && b != 0) ? String.format(Locale.ROOT, "%.2f", a / b)
				: "";
		String verdict = (met == null) ? "" : (met ? "met" : "**missed**");
		this.rows.add("| " + scenario + " | " + metric + " | " + unit.format(a) + " | " + unit.format(b) + " | " + ratio
				+ " | " + target + " | " + verdict + " |");
	}

	/**
	 * Add a row whose figures are already written out.
	 */
	void row(String scenario, String metric, String a, String b, String target, Boolean met) {
		String verdict = (met == null) ? "" : (met ? "met" : "**missed**");
		this.rows.add("| " + scenario + " | " + metric + " | " + a + " | " + b + " |  | " + target + " | " + verdict
				+ " |");
	}

	void note(String note) {
		this.notes.add(note);
	}

	String toMarkdown() {
		StringBuilder markdown = new StringBuilder();
		markdown.append("| scenario | figure | SocketBox (A) | Socket.IO (B) | A/B | target | |\n");
		markdown.append("|---|---|---:|---:|---:|---|---|\n");
		this.rows.forEach((row) -> markdown.append(row).append('\n'));
		if (!this.notes.isEmpty()) {
			markdown.append('\n');
			this.notes.forEach((note) -> markdown.append("- ").append(note).append('\n'));
		}
		return markdown.toString();
	}

	/**
	 * How a figure is written.
	 */
	enum Unit {

		PER_SECOND("%,.0f/s"), MILLIS("%.2f ms"), SECONDS("%.2f s"), KILOBYTES("%.1f KB"), PERCENT("%.2f %%"),
		MEGABYTES("%.1f MB"), COUNT("%,.0f"), BYTES("%,.0f B"),
		BYTES_PER_SECOND("%,.0f B/s"), RATIO("%.2f x");

		private final String format;

		Unit(String format) {
			this.format = format;
		}

		String format(double value) {
			return Double.isFinite(value) ? String.format(Locale.ROOT, this.format, value) : "n/a";
		}

	}

}

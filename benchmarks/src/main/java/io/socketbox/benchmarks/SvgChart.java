package io.socketbox.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * A small SVG writer for the benchmark's charts: a title and subtitle, then panels side
 * by side, each a bar chart (one bar per system) or a line chart (one line per system
 * against a numeric x axis). Missing figures are {@link Double#NaN}: a bar says "not
 * run", a line skips the point.
 */
final class SvgChart {

	/** The colours of the series or bars, in order: SocketBox first. */
	static final String[] COLORS = { "#2b7bb9", "#e07b39", "#6a9f3a" };

	static final int PANEL_WIDTH = 380;

	private static final int TOP = 80;

	private static final int PLOT_HEIGHT = 180;

	private final StringBuilder svg = new StringBuilder();

	private final int width;

	private final int height;

	SvgChart(int width, int height, String title, String subtitle) {
		this.width = width;
		this.height = height;
		this.svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"sans-serif\" font-size=\"12\">%n",
				width, height, width, height));
		this.svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
		this.svg.append("<text x=\"20\" y=\"24\" font-size=\"15\" font-weight=\"bold\">")
			.append(escape(title))
			.append("</text>\n");
		this.svg.append("<text x=\"20\" y=\"42\" fill=\"#555\">").append(escape(subtitle)).append("</text>\n");
	}

	/**
	 * Add a bar chart at {@code x}: one bar per label, scaled to the largest value, each
	 * with its value above it (in the given format) and its label below (split into
	 * lines at ", ").
	 */
	SvgChart bars(int x, String title, List<String> labels, double[] values, String format) {
		title(x, title);
		double max = max(values);
		for (int i = 0; i < labels.size(); i++) {
			double value = values[i];
			int barX = x + 10 + i * 115;
			int barHeight = (Double.isNaN(value) || max <= 0) ? 0
					: (int) Math.max(1, Math.round(PLOT_HEIGHT * value / max));
			int y = TOP + PLOT_HEIGHT - barHeight;
			this.svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"80\" height=\"%d\" fill=\"%s\"/>%n",
					barX, y, barHeight, COLORS[i % COLORS.length]));
			String label = Double.isNaN(value) ? "not run" : String.format(Locale.ROOT, format, value);
			this.svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
					barX + 40, y - 5, escape(label)));
			String[] words = labels.get(i).split(", ");
			for (int line = 0; line < words.length; line++) {
				this.svg.append(String.format(Locale.ROOT,
						"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">%s</text>%n", barX + 40,
						TOP + PLOT_HEIGHT + 16 + line * 14, escape(words[line])));
			}
		}
		axis(x, TOP + PLOT_HEIGHT, x + 350, TOP + PLOT_HEIGHT);
		return this;
	}

	/**
	 * Add a line chart at {@code x}: the x values evenly spaced (they are sizes such as
	 * 200, 2,000 and 10,000, which a linear axis would crowd), the y axis from 0 to the
	 * largest value, one line per series with a dot and the value at each point, and a
	 * legend.
	 */
	SvgChart lines(int x, String title, String xLabel, String yLabel, double[] xs, List<Series> series,
			String format) {
		title(x, title);
		int left = x + 50;
		int right = x + PANEL_WIDTH - 30;
		int bottom = TOP + PLOT_HEIGHT;
		double max = 0;
		for (Series s : series) {
			max = Math.max(max, max(s.values()));
		}
		max = (max > 0) ? niceCeiling(max) : 1;
		axis(left, TOP, left, bottom);
		axis(left, bottom, right, bottom);
		for (int tick = 0; tick <= 4; tick++) {
			double value = max * tick / 4;
			int y = bottom - (int) Math.round(PLOT_HEIGHT * value / max);
			if (tick > 0) {
				this.svg.append(String.format(Locale.ROOT,
						"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>%n", left + 1, y, right, y));
			}
			this.svg.append(String.format(Locale.ROOT,
					"<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"10\">%s</text>%n", left - 4, y + 4,
					escape(compact(value))));
		}
		for (int i = 0; i < xs.length; i++) {
			this.svg.append(String.format(Locale.ROOT,
					"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n", xAt(i, xs, left, right),
					bottom + 14, escape(String.format(Locale.ROOT, "%,.0f", xs[i]))));
		}
		this.svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
				(left + right) / 2, bottom + 32, escape(xLabel)));
		this.svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 %d %d)\">%s</text>%n", x + 10,
				TOP + PLOT_HEIGHT / 2, x + 10, TOP + PLOT_HEIGHT / 2, escape(yLabel)));
		for (int s = 0; s < series.size(); s++) {
			Series one = series.get(s);
			String color = COLORS[s % COLORS.length];
			StringBuilder points = new StringBuilder();
			for (int i = 0; i < xs.length && i < one.values().length; i++) {
				double value = one.values()[i];
				if (Double.isNaN(value)) {
					continue;
				}
				int px = xAt(i, xs, left, right);
				int py = bottom - (int) Math.round(PLOT_HEIGHT * value / max);
				points.append(points.isEmpty() ? "" : " ").append(px).append(',').append(py);
				this.svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"%s\"/>%n", px, py,
						color));
				this.svg.append(String.format(Locale.ROOT,
						"<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\" fill=\"%s\">%s</text>%n", px,
						py - 6 - 11 * s, color, escape(String.format(Locale.ROOT, format, value))));
			}
			this.svg.append(String.format(Locale.ROOT,
					"<polyline class=\"series\" data-name=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
					escape(one.name()), points, color));
			int legendY = bottom + 50 + 14 * s;
			this.svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n", left, legendY - 4,
					left + 20, legendY - 4, color));
			this.svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", left + 26,
					legendY, escape(one.name())));
		}
		return this;
	}

	/**
	 * Add a line of small print at the bottom.
	 */
	SvgChart note(String text) {
		this.svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%d\" font-size=\"10\" fill=\"#555\">%s</text>%n",
				this.height - 8, escape(text)));
		return this;
	}

	int width() {
		return this.width;
	}

	@Override
	public String toString() {
		return this.svg + "</svg>\n";
	}

	private void title(int x, String title) {
		this.svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", x,
				TOP - 16, escape(title)));
	}

	private void axis(int x1, int y1, int x2, int y2) {
		this.svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
				x1, y1, x2, y2));
	}

	private static int xAt(int index, double[] xs, int left, int right) {
		int margin = 20;
		if (xs.length == 1) {
			return (left + right) / 2;
		}
		return left + margin + (right - left - 2 * margin) * index / (xs.length - 1);
	}

	private static double max(double[] values) {
		double max = 0;
		for (double value : values) {
			if (!Double.isNaN(value) && value > max) {
				max = value;
			}
		}
		return max;
	}

	/**
	 * Return the smallest of 1, 2, 2.5 and 5 times a power of ten that is at least the
	 * given value, so that a quarter of it is a round tick.
	 */
	static double niceCeiling(double value) {
		double power = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 2.5, 5, 10 }) {
			if (step * power >= value) {
				return step * power;
			}
		}
		return 10 * power;
	}

	private static String compact(double value) {
		if (value >= 1_000_000) {
			return String.format(Locale.ROOT, "%sM", trim(value / 1_000_000));
		}
		if (value >= 1_000) {
			return String.format(Locale.ROOT, "%sk", trim(value / 1_000));
		}
		return trim(value);
	}

	private static String trim(double value) {
		return (value == Math.rint(value)) ? String.format(Locale.ROOT, "%.0f", value)
				: String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
	}

	static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/**
	 * One line of a line chart: a system's figure at each x value.
	 */
	record Series(String name, double[] values) {

	}

}

package io.socketbox.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SvgChart}.
 */
class SvgChartTests {

	@Test
	void lineChartParsesAsSvgWithOnePolylinePerSeriesAndAPointPerFigure() throws Exception {
		String svg = new SvgChart(760, 330, "Growth <receivers>", "2026-12-01, quick mode")
			.lines(20, "Saturated deliveries/s", "receivers", "deliveries/s", new double[] { 200, 2_000, 10_000 },
					List.of(new SvgChart.Series("SocketBox", new double[] { 60_000, 55_000, Double.NaN }),
							new SvgChart.Series("Socket.IO & Redis", new double[] { 80_000, 70_000, 50_000 })),
					"%,.0f")
			.toString();
		Document document = parse(svg);
		assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
		NodeList lines = document.getElementsByTagName("polyline");
		assertThat(lines.getLength()).isEqualTo(2);
		Element socketBox = (Element) lines.item(0);
		Element socketIo = (Element) lines.item(1);
		assertThat(socketBox.getAttribute("data-name")).isEqualTo("SocketBox");
		assertThat(socketIo.getAttribute("data-name")).isEqualTo("Socket.IO & Redis");
		// The missing figure is left out of the line, not drawn at 0
		assertThat(socketBox.getAttribute("points").split(" ")).hasSize(2);
		assertThat(socketIo.getAttribute("points").split(" ")).hasSize(3);
		assertThat(document.getElementsByTagName("circle").getLength()).isEqualTo(5);
		assertThat(text(document)).contains("Growth <receivers>", "10,000", "80,000", "50,000", "receivers",
				"deliveries/s", "Socket.IO & Redis");
	}

	@Test
	void aLargerValueIsDrawnHigher() throws Exception {
		String svg = new SvgChart(400, 330, "t", "s")
			.lines(20, "p99", "nodes", "ms", new double[] { 2, 3 },
					List.of(new SvgChart.Series("A", new double[] { 5, 20 })), "%.1f")
			.toString();
		String[] points = ((Element) parse(svg).getElementsByTagName("polyline").item(0)).getAttribute("points")
			.split(" ");
		int firstY = Integer.parseInt(points[0].split(",")[1]);
		int secondY = Integer.parseInt(points[1].split(",")[1]);
		int firstX = Integer.parseInt(points[0].split(",")[0]);
		int secondX = Integer.parseInt(points[1].split(",")[0]);
		assertThat(secondY).isLessThan(firstY);
		assertThat(secondX).isGreaterThan(firstX);
	}

	@Test
	void barChartParsesAndSaysWhatWasNotRun() throws Exception {
		String svg = new SvgChart(760, 330, "t", "s")
			.bars(20, "Deliveries", List.of("SocketBox, 2 nodes", "Relay"), new double[] { 1_000, Double.NaN }, "%,.0f")
			.toString();
		Document document = parse(svg);
		assertThat(document.getElementsByTagName("rect").getLength()).isEqualTo(3);
		assertThat(text(document)).contains("1,000", "not run", "SocketBox", "2 nodes");
	}

	@Test
	void niceCeilingIsARoundNumberAtLeastTheValue() {
		assertThat(SvgChart.niceCeiling(7.3)).isEqualTo(10);
		assertThat(SvgChart.niceCeiling(42_000)).isEqualTo(50_000);
		assertThat(SvgChart.niceCeiling(180)).isEqualTo(200);
		assertThat(SvgChart.niceCeiling(2_100)).isEqualTo(2_500);
		assertThat(SvgChart.niceCeiling(1)).isEqualTo(1);
	}

	private static Document parse(String svg) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setNamespaceAware(true);
		return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
	}

	private static String text(Document document) {
		return document.getDocumentElement().getTextContent();
	}

}

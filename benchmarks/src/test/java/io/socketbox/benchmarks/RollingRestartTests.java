package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the parts of {@link RollingRestart} that need no running system.
 */
class RollingRestartTests {

	@Test
	void nginxConfigurationPutsTheNodesBetweenTheSamplesMarkersAndListensOnThePort() throws IOException {
		String template = Files.readString(Path.of("../sample-app/nginx/nginx.conf"));
		String configuration = RollingRestart.nginxConfiguration(template, 40000, List.of(41001, 41002, 41003));
		assertThat(configuration).contains("listen 127.0.0.1:40000;")
			.doesNotContain("listen 127.0.0.1:8080;")
			.doesNotContain("upstream-servers-start")
			.doesNotContain("8081")
			.contains("\t\tserver 127.0.0.1:41001 max_fails=0;\n\t\tserver 127.0.0.1:41002 max_fails=0;\n"
					+ "\t\tserver 127.0.0.1:41003 max_fails=0;\n")
			// The rest of the sample's settings stay: no affinity, upgrades passed through
			.contains("proxy_set_header Upgrade $http_upgrade;")
			.contains("proxy_next_upstream error timeout http_502 http_503;")
			.doesNotContain("ip_hash;");
		// The markers go, the three servers of the template are replaced by three
		assertThat(configuration.lines().count()).isEqualTo(template.lines().count() - 2);
	}

	@Test
	void nginxConfigurationNeedsBothMarkers() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RollingRestart.nginxConfiguration("upstream x {\n}\n", 1, List.of(2)));
		assertThatIllegalArgumentException().isThrownBy(() -> RollingRestart
			.nginxConfiguration("upstream x {\n# upstream-servers-start\nserver a;\n}\n", 1, List.of(2)));
	}

	@Test
	void figuresAreTheNumericFieldsOfTheClientsResult() {
		Map<String, Double> figures = RollingRestart
			.figures("{\"clients\":100,\"lost\":0,\"duplicated\":12,\"longestGapMs\":1835,\"ratio\":0.25,\"note\":\"x\"}");
		assertThat(figures).containsExactly(Map.entry("clients", 100.0), Map.entry("lost", 0.0),
				Map.entry("duplicated", 12.0), Map.entry("longestGapMs", 1835.0), Map.entry("ratio", 0.25));
		assertThatIllegalArgumentException().isThrownBy(() -> RollingRestart.figures("{}"));
	}

	@Test
	void theFiguresOfSeveralProcessesOfClientsAddUpAndTheMedianCoversEveryClient() {
		Map<String, Double> merged = RollingRestart.merge(List.of(
				"result {\"clients\":2,\"lost\":3,\"quietAfterMs\":2100,\"longestGaps\":[100,900],"
						+ "\"longestGapMs\":900,\"medianLongestGapMs\":500}",
				"result {\"clients\":3,\"lost\":1,\"quietAfterMs\":2500,\"longestGaps\":[200,300,400],"
						+ "\"longestGapMs\":400,\"medianLongestGapMs\":300}"));
		assertThat(merged).containsEntry("clients", 5.0)
			.containsEntry("lost", 4.0)
			.containsEntry("quietAfterMs", 2500.0)
			.containsEntry("longestGapMs", 900.0)
			.containsEntry("medianLongestGapMs", 300.0);
	}

	@Test
	void producedOnStopIsTheLineTheNodePrintedOnSigterm(@TempDir Path directory) throws IOException {
		Path log = directory.resolve("node.log");
		Files.writeString(log, "ready node-1.1 on 1234\nproduced {\"sender\":\"node-1.1\",\"broadcast\":7,"
				+ "\"direct\":{\"c0\":1}}\nredis Socket closed unexpectedly\n");
		assertThat(RollingRestart.producedOnStop(log))
			.isEqualTo("{\"sender\":\"node-1.1\",\"broadcast\":7,\"direct\":{\"c0\":1}}");
		Files.writeString(log, "ready node-1.1 on 1234\n");
		assertThatIOException().isThrownBy(() -> RollingRestart.producedOnStop(log))
			.withMessageContaining("did not report what it produced");
	}

}

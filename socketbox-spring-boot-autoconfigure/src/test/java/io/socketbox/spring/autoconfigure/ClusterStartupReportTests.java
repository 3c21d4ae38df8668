package io.socketbox.spring.autoconfigure;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterStartupReport} on real nodes: one INFO line names the node,
 * where its name came from and the cache; a WARN when the file cache was detected for a
 * node that other machines are meant to reach.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterStartupReportTests {

	private static final String WARNING = "The file cache was chosen because no Redis connection factory";

	@TempDir
	Path cacheDirectory;

	@Test
	void reportsTheNameItsSourceAndTheCache(CapturedOutput output) {
		start("socketbox.cluster.host=127.0.0.1", "socketbox.cluster.cache-prefix=report:");
		assertThat(output).containsPattern("SocketBox node ws://127\\.0\\.0\\.1:\\d+/socketbox/cluster \\(\\w+\\), "
				+ "named by the host 127\\.0\\.0\\.1, registers in FileSystemCacheProvider \\(detected\\) "
				+ "under the prefix 'report:'");
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void reportsANameFromTheProperty(CapturedOutput output) {
		start("socketbox.cluster.name=ws://localhost:9/socketbox/cluster", "socketbox.cache.type=file");
		assertThat(output).contains("SocketBox node ws://localhost:9/socketbox/cluster (")
			.contains("named by socketbox.cluster.name, registers in FileSystemCacheProvider (socketbox.cache.type)");
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void warnsWhenTheDetectedFileCacheServesANodeOtherMachinesShouldReach(CapturedOutput output) {
		start("socketbox.cluster.host=192.0.2.7");
		assertThat(output).contains("named by the host 192.0.2.7").contains(WARNING);
	}

	@Test
	void doesNotWarnWhenTheFileCacheIsChosenOnPurpose(CapturedOutput output) {
		start("socketbox.cluster.host=192.0.2.7", "socketbox.cache.type=file");
		assertThat(output).contains("named by the host 192.0.2.7").doesNotContain(WARNING);
	}

	@Test
	void loopbackNames() {
		assertThat(ClusterStartupReport.isLoopback("ws://127.0.0.1:8080/socketbox/cluster")).isTrue();
		assertThat(ClusterStartupReport.isLoopback("ws://localhost:8080/socketbox/cluster")).isTrue();
		assertThat(ClusterStartupReport.isLoopback("ws://[::1]:8080/socketbox/cluster")).isTrue();
		assertThat(ClusterStartupReport.isLoopback("ws://192.0.2.7:8080/socketbox/cluster")).isFalse();
		assertThat(ClusterStartupReport.isLoopback("not a uri")).isFalse();
	}

	private void start(String... properties) {
		new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + ClusterNodes.SECRET,
					"socketbox.cache.file.directory=" + this.cacheDirectory,
					"spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
			.properties(properties)
			.run()
			.close();
	}

}

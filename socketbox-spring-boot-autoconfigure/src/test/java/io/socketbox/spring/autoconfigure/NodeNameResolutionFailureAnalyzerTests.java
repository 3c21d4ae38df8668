package io.socketbox.spring.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.socketbox.spring.cluster.NodeNameResolutionException;
import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link NodeNameResolutionFailureAnalyzer}: a node whose name cannot be
 * resolved fails to start with a description of the cause and the property to set, not
 * a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class NodeNameResolutionFailureAnalyzerTests {

	@TempDir
	Path cacheDirectory;

	@Test
	void analysisNamesTheCauseAndThePropertiesToSet() {
		NodeNameResolutionException failure = new NodeNameResolutionException("metadata unreachable");
		FailureAnalysis analysis = new NodeNameResolutionFailureAnalyzer()
			.analyze(new IllegalStateException("Failed to start bean", failure));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("could not resolve this node's name")
			.contains("metadata unreachable");
		assertThat(analysis.getAction()).contains("'socketbox.cluster.name'")
			.contains("'socketbox.cluster.host'")
			.contains("'socketbox.cluster.name-resolver'");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void otherFailuresAreLeftToOtherAnalyzers() {
		assertThat(new NodeNameResolutionFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void nodeWhoseVariableIsNotAUrlFailsToStartWithTheAnalysis(CapturedOutput output) {
		assertThatException().isThrownBy(() -> start("socketbox.cluster.name-resolver=environment",
				"SOCKETBOX_NODE_NAME=not-a-url"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Variable 'SOCKETBOX_NODE_NAME' must be a ws:// or wss:// URL")
			.contains("Set 'socketbox.cluster.name' to that URL");
	}

	@Test
	void nodeWhoseEcsMetadataIsUnreachableFailsToStartWithTheAnalysis(CapturedOutput output) throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		assertThatException().isThrownBy(() -> start("socketbox.cluster.name-resolver=ecs",
				"ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:" + closedPort + "/v4"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Could not read the ECS container metadata")
			.contains("Set 'socketbox.cluster.name' to that URL");
	}

	private void start(String... properties) {
		new SpringApplicationBuilder(TestNodeApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + ClusterNodes.SECRET,
					"socketbox.cache.type=file", "socketbox.cache.file.directory=" + this.cacheDirectory)
			.properties(properties)
			.run()
			.close();
	}

}

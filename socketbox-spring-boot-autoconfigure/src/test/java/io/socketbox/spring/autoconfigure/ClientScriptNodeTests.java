package io.socketbox.spring.autoconfigure;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.socketbox.spring.testsupport.NodeJs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests of {@code client.js} in {@code src/test/js}, on Node.js's own test runner:
 * the client against a fake WebSocket, and in a process of its own against a small
 * WebSocket server. Their report goes to this test's output.
 */
class ClientScriptNodeTests {

	@Test
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	void theClientsOwnTestsPass() throws Exception {
		NodeJs.assumeAvailable();
		Process node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "src/test/js")
			.directory(new File("."))
			.redirectErrorStream(true)
			.start();
		// Read to the end (the process ends when its tests do), into this test's output
		String report = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		System.out.println(report);
		assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("node --test finished within 2 minutes").isTrue();
		assertThat(node.exitValue()).as("exit status of node --test src/test/js (its report is above)").isZero();
	}

}

package io.socketbox.spring.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Node.js, for the tests of the JavaScript client. The whole test suite runs with only a
 * JDK: without {@code node} 20 or later on the {@code PATH}, those tests are skipped with
 * the reason, and CI installs Node.js so that they run there.
 */
public final class NodeJs {

	private static final int MIN_MAJOR = 20;

	private static volatile String version;

	private NodeJs() {
	}

	/**
	 * Skip the calling test unless Node.js 20 or later is on the {@code PATH}.
	 */
	public static void assumeAvailable() {
		String found = version();
		assumeTrue(found != null && major(found) >= MIN_MAJOR,
				"Node.js " + MIN_MAJOR + " or later is not on the PATH (found: " + found + "): the JavaScript client's tests are skipped");
	}

	private static String version() {
		if (version == null) {
			try {
				Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
				version = (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) ? output : "none";
			}
			catch (IOException ex) {
				version = "none";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				version = "none";
			}
		}
		return version;
	}

	private static int major(String version) {
		try {
			return Integer.parseInt(version.replaceFirst("^v", "").split("\\.")[0]);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}

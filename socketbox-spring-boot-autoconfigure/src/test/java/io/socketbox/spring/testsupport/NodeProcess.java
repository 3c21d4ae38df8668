package io.socketbox.spring.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A {@link TestNodeApplication} in a JVM of its own, for tests about processes.
 */
public final class NodeProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private NodeProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Start a node and wait until it serves requests.
	 * @param log where its output goes
	 * @param environment extra environment variables
	 * @param properties Spring Boot properties, as {@code name=value}
	 * @return the running node
	 */
	public static NodeProcess start(Path log, Map<String, String> environment, List<String> properties) {
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				// Quicker to start, which is all a test node needs
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
				System.getProperty("java.class.path"), TestNodeApplication.class.getName(), "--server.port=" + port,
				"--server.address=127.0.0.1", "--spring.main.banner-mode=off"));
		properties.forEach((property) -> command.add("--" + property));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		NodeProcess node;
		try {
			node = new NodeProcess(builder.start(), port, log);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start a node process", ex);
		}
		try {
			Awaitility.await().atMost(Duration.ofSeconds(180)).until(node::isServing);
			return node;
		}
		catch (RuntimeException ex) {
			node.kill();
			throw new IllegalStateException("Node process did not start; see " + log, ex);
		}
	}

	private boolean isServing() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("Node process exited; see " + this.log);
		}
		try {
			HttpResponse<Void> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/no-such-page")).build(),
						HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 404;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public long pid() {
		return this.process.pid();
	}

	/**
	 * Kill the process with SIGKILL, as a crash would.
	 */
	public void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		kill();
	}

}

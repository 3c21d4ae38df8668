package io.socketbox.sample;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * nginx in front of sample nodes for the process tests, configured by the sample's own
 * {@code nginx/nginx.conf} (round-robin, no affinity) with the test's ports; it runs as
 * the current user with its files in {@code target/process-it/<name>/} and is stopped
 * after the nodes.
 */
final class NginxBalancer {

	private static final Path LOGS = SampleNodeProcess.JAR.resolveSibling("process-it");

	private NginxBalancer() {
	}

	/**
	 * Return the nginx executable on the {@code PATH} or in {@code /usr/sbin}, if any.
	 */
	static Optional<String> executable() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
			if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, "nginx"))) {
				return Optional.of(Path.of(directory, "nginx").toString());
			}
		}
		return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? Optional.of("/usr/sbin/nginx") : Optional.empty();
	}

	/**
	 * Start nginx on {@code 127.0.0.1:port} in front of the given nodes and wait until it
	 * accepts connections; it is stopped after the test's nodes.
	 * @param processes the test's processes
	 * @param nginx the executable
	 * @param name the directory under {@code target/process-it/} for its configuration,
	 * temporary files and log
	 * @param port the port nginx listens on
	 * @param nodePorts the ports of the nodes it balances
	 */
	static void start(ProcessCluster processes, String nginx, String name, int port, int[] nodePorts)
			throws IOException {
		Path directory = Files.createDirectories(LOGS.resolve(name));
		Files.createDirectories(directory.resolve("temp"));
		Path configuration = directory.resolve("nginx.conf");
		Files.writeString(configuration,
				configuration(Files.readString(Path.of("nginx", "nginx.conf")), port, nodePorts));
		Process process = new ProcessBuilder(nginx, "-p", directory.toString(), "-c", configuration.toString(), "-g",
				"daemon off;")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("nginx.log").toFile())
			.start();
		processes.closeAfterNodes(() -> stop(process));
		await().alias("nginx on port " + port)
			.atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.failFast("nginx exited", () -> !process.isAlive())
			.until(() -> accepts(port));
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return socket.isConnected();
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Return the sample's nginx configuration listening on {@code port}, with the given
	 * nodes between its {@code upstream-servers-start}/{@code -end} markers.
	 */
	static String configuration(String template, int port, int[] nodePorts) {
		StringBuilder configuration = new StringBuilder();
		boolean skipping = false;
		for (String line : template.split("\n", -1)) {
			if (line.contains("upstream-servers-start")) {
				skipping = true;
				for (int nodePort : nodePorts) {
					configuration.append("\t\tserver 127.0.0.1:").append(nodePort).append(" max_fails=0;\n");
				}
				continue;
			}
			if (line.contains("upstream-servers-end")) {
				skipping = false;
				continue;
			}
			if (!skipping) {
				configuration.append(line.replaceFirst("listen 127\\.0\\.0\\.1:\\d+;", "listen 127.0.0.1:" + port + ";"))
					.append('\n');
			}
		}
		return configuration.toString();
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(10, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
		}
	}

}

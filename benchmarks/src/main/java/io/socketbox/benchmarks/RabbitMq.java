package io.socketbox.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

/**
 * A private RabbitMQ with its STOMP plugin for Spring's broker relay, started as a
 * process of its own on 127.0.0.1: its own node name, ports, Mnesia directory, logs,
 * configuration and enabled-plugins file under a directory of the benchmark.
 */
final class RabbitMq {

	private static final List<Path> SCRIPTS = List.of(
			// Not /usr/sbin/rabbitmq-server: Debian's wrapper there switches to the rabbitmq user
			Path.of("/usr/lib/rabbitmq/bin/rabbitmq-server"), Path.of("/usr/sbin/rabbitmq-server"),
			Path.of("/usr/local/sbin/rabbitmq-server"), Path.of("/opt/homebrew/sbin/rabbitmq-server"));

	private final Process process;

	private final Instant startedAt = Instant.now().minusSeconds(1);

	private final int stompPort;

	/** Whether an Erlang port mapper ran before this RabbitMQ started one. */
	private final boolean epmdWasRunning;

	private RabbitMq(Process process, int stompPort, boolean epmdWasRunning) {
		this.process = process;
		this.stompPort = stompPort;
		this.epmdWasRunning = epmdWasRunning;
	}

	/**
	 * Return the {@code rabbitmq-server} script, or {@code null} when RabbitMQ is not
	 * installed.
	 */
	static Path script() {
		return SCRIPTS.stream().filter(Files::isExecutable).findFirst().orElse(null);
	}

	/**
	 * Start RabbitMQ and wait until its STOMP port accepts connections.
	 */
	static RabbitMq start(Path script, Path directory) throws IOException, InterruptedException {
		int stompPort = Target.freePort();
		int amqpPort = Target.freePort();
		int distributionPort = Target.freePort();
		Files.createDirectories(directory);
		Path config = directory.resolve("rabbitmq.conf");
		Files.writeString(config, String.join("\n", "listeners.tcp.default = 127.0.0.1:" + amqpPort,
				"stomp.listeners.tcp.1 = 127.0.0.1:" + stompPort, "loopback_users.guest = true",
				"management.tcp.port = " + Target.freePort(), ""));
		Path plugins = directory.resolve("enabled_plugins");
		Files.writeString(plugins, "[rabbitmq_stomp].\n");
		ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true)
			.redirectOutput(directory.resolve("rabbitmq-server.out").toFile());
		Map<String, String> env = builder.environment();
		env.put("RABBITMQ_NODENAME", "socketbox-bench-" + ProcessHandle.current().pid() + "@localhost");
		env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
		env.put("RABBITMQ_DIST_PORT", Integer.toString(distributionPort));
		env.put("RABBITMQ_CONFIG_FILE", config.toString());
		env.put("RABBITMQ_ENABLED_PLUGINS_FILE", plugins.toString());
		env.put("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString());
		env.put("RABBITMQ_LOG_BASE", directory.resolve("log").toString());
		env.put("RABBITMQ_PID_FILE", directory.resolve("rabbitmq.pid").toString());
		boolean epmdWasRunning = epmd().findAny().isPresent();
		Process process = builder.start();
		RabbitMq rabbit = new RabbitMq(process, stompPort, epmdWasRunning);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!accepts(stompPort)) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				rabbit.stop();
				throw new IOException("RabbitMQ did not open its STOMP port " + stompPort + " (see " + directory + ")");
			}
			Thread.sleep(200);
		}
		return rabbit;
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	int stompPort() {
		return this.stompPort;
	}

	/**
	 * Stop RabbitMQ with SIGTERM (its script then stops the node), then SIGKILL to what
	 * is left of the processes it started.
	 */
	void stop() {
		List<ProcessHandle> descendants = this.process.descendants().toList();
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		descendants.stream()
			.filter(ProcessHandle::isAlive)
			.filter((handle) -> !isEpmd(handle))
			.forEach(ProcessHandle::destroyForcibly);
		// epmd detaches from the script, so it is no descendant; stopped only when this run started it
		if (!this.epmdWasRunning) {
			epmd().filter((handle) -> handle.info().startInstant().map((at) -> !at.isBefore(this.startedAt)).orElse(false))
				.forEach(ProcessHandle::destroy);
		}
	}

	private static Stream<ProcessHandle> epmd() {
		return ProcessHandle.allProcesses().filter(RabbitMq::isEpmd);
	}

	private static boolean isEpmd(ProcessHandle handle) {
		return handle.info().command().orElse("").endsWith("/epmd");
	}

}

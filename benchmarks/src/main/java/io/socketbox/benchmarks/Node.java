package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node of a system under test, running as a separate process on 127.0.0.1.
 */
final class Node {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

	private final Process process;

	private final int port;

	private final long startedAt;

	private Node(Process process, int port, long startedAt) {
		this.process = process;
		this.port = port;
		this.startedAt = startedAt;
	}

	static Node start(List<String> command, Path workingDirectory, Path log, int port) throws IOException {
		Files.createDirectories(log.getParent());
		long startedAt = System.nanoTime();
		Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new Node(process, port, startedAt);
	}

	int port() {
		return this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Return the {@link System#nanoTime()} at which the process was started.
	 */
	long startedAt() {
		return this.startedAt;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the exit value of the process, once it has ended.
	 */
	int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * Return the resident set size of the process in bytes, from {@code /proc}.
	 */
	long residentBytes() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IOException("No VmRSS for process " + pid());
	}

	/**
	 * Freeze the process with SIGSTOP: its sockets stay open, it answers nothing, as a
	 * node behind a network partition would.
	 */
	void pause() throws IOException, InterruptedException {
		signal("STOP");
	}

	/**
	 * Let a process frozen by {@link #pause()} go on, with SIGCONT.
	 */
	void resume() throws IOException, InterruptedException {
		signal("CONT");
	}

	private void signal(String name) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
		if (kill.waitFor() != 0) {
			throw new IOException("kill -" + name + " " + pid() + " failed");
		}
	}

	/**
	 * Kill the process with SIGKILL, as a crash would.
	 */
	void kill() {
		this.process.destroyForcibly();
	}

	/**
	 * Stop the process with SIGTERM, then SIGKILL if it does not end within 15 s.
	 */
	void stop() {
		stop(STOP_TIMEOUT);
	}

	/**
	 * Stop the process with SIGTERM, then SIGKILL if it does not end within the given
	 * time.
	 * @param timeout how long the process may take to exit on its own
	 */
	void stop(Duration timeout) {
		this.process.destroy();
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	@Override
	public String toString() {
		return "node on port " + this.port + " (pid " + pid() + ")";
	}

}

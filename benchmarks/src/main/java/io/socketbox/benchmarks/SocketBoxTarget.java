package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SocketBox sample chat: {@code java -jar sample-app.jar} per node, Redis as the
 * cache, cluster state from {@code GET /api/cluster}, heap from {@code jcmd}. The sample
 * runs with the starter's defaults unless the target comes from
 * {@link #withIdleConnectionTuning()}, on Jetty ({@code sample-app.jar}) or on Tomcat
 * ({@code sample-app-tomcat.jar}, {@code --container tomcat}).
 */
final class SocketBoxTarget extends Target {

	/** How the sample's {@code /api/cluster} shows a member whose link is up. */
	static final String LINK_UP = "\"link\":\"UP\"";

	private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

	/** Shared by both variants of the sample, so that their namespaces differ too. */
	private static final AtomicInteger clusters = new AtomicInteger();

	private final String name;

	private final Path jar;

	private final int redisPort;

	private final List<String> jvmArguments;

	private final List<String> applicationArguments;

	private int cluster;

	SocketBoxTarget(Path jar, int redisPort, List<String> jvmArguments, Path logDirectory) {
		this("SocketBox", jar, redisPort, jvmArguments, List.of(), logDirectory);
	}

	private SocketBoxTarget(String name, Path jar, int redisPort, List<String> jvmArguments,
			List<String> applicationArguments, Path logDirectory) {
		super(logDirectory);
		this.name = name;
		this.jar = jar;
		this.redisPort = redisPort;
		this.jvmArguments = jvmArguments;
		this.applicationArguments = applicationArguments;
	}

	/**
	 * Return the same sample with its idle-connection tuning on: 1 KB Tomcat buffers,
	 * for nodes that hold many mostly idle connections.
	 */
	SocketBoxTarget withIdleConnectionTuning() {
		return new SocketBoxTarget(this.name + ", idle-connection tuning", this.jar, this.redisPort,
				this.jvmArguments, List.of("--sample.idle-connection-tuning.enabled=true"), this.logDirectory);
	}

	@Override
	String name() {
		return this.name;
	}

	@Override
	Wire wire() {
		return Wire.SOCKETBOX;
	}

	@Override
	void newCluster() {
		this.cluster = clusters.incrementAndGet();
	}

	@Override
	protected List<String> command(int port) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(this.jvmArguments);
		// From the extracted jar with its CDS archive, as run-cluster.sh starts the sample
		command.addAll(CdsArchive.launch(this.jar));
		command.addAll(List.of("--server.port=" + port, "--server.address=127.0.0.1"));
		// A fresh namespace per cluster, so that members of an earlier one never show up
		command.addAll(cacheArguments(this.redisPort, Integer.toString(this.cluster)));
		command.addAll(List.of(
				// Tomcat accepts 8192 connections by default; scenario 5 opens 10,000. Jetty has
				// no limit unless server.jetty.max-connections is set, so these do not apply to it
				"--server.tomcat.max-connections=20000", "--server.tomcat.accept-count=1000",
				// Jetty closes any connection idle for 30 s, WebSockets included; scenario 5's
				// connections are idle for minutes (Tomcat has no such limit for WebSockets)
				"--server.jetty.connection-idle-timeout=1h"));
		command.addAll(this.applicationArguments);
		return command;
	}

	/**
	 * Return the arguments that have a node of the given cluster register in Redis, in a
	 * namespace of its own.
	 */
	static List<String> cacheArguments(int redisPort, String cluster) {
		return List.of("--socketbox.cache.type=redis", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort,
				"--socketbox.cluster.cache-prefix=bench-" + ProcessHandle.current().pid() + "-" + cluster + ":");
	}

	@Override
	protected Path workingDirectory() {
		return this.jar.getParent();
	}

	@Override
	int members(Node node) throws IOException {
		return count(get(node.port(), "/api/cluster"), "\"link\":");
	}

	@Override
	int linked(Node node) throws IOException {
		return count(get(node.port(), "/api/cluster"), LINK_UP);
	}

	@Override
	long heapAfterGc(Node node) throws IOException, InterruptedException {
		jcmd(node, "GC.run");
		jcmd(node, "GC.run");
		String info = jcmd(node, "GC.heap_info");
		Matcher matcher = HEAP_USED.matcher(info);
		if (!matcher.find()) {
			throw new IOException("Unexpected GC.heap_info output: " + info);
		}
		return Long.parseLong(matcher.group(1)) * 1024;
	}

	@Override
	String heapHistogram(Node node) throws IOException, InterruptedException {
		return jcmd(node, "GC.class_histogram");
	}

	private static String jcmd(Node node, String command) throws IOException, InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Process process = new ProcessBuilder(jcmd.toString(), Long.toString(node.pid()), command)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.waitFor() != 0) {
			throw new IOException("jcmd " + command + " failed: " + output);
		}
		return output;
	}

}

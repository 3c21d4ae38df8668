package io.socketbox.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Socket.IO 4 with the Redis adapter: {@code node server.js} per node, cluster state
 * and memory from the script's {@code GET /stats} ({@code serverCount} is the number of
 * nodes subscribed to the adapter's Redis channel).
 */
final class SocketIoTarget extends Target {

	private final Path directory;

	private final int redisPort;

	SocketIoTarget(Path directory, int redisPort, Path logDirectory) {
		super(logDirectory);
		this.directory = directory;
		this.redisPort = redisPort;
	}

	@Override
	String name() {
		return "Socket.IO";
	}

	@Override
	Wire wire() {
		return Wire.SOCKET_IO;
	}

	@Override
	void newCluster() {
		// Nodes find each other through Redis pub/sub only while they run: nothing lingers
	}

	@Override
	protected List<String> command(int port) {
		return List.of("node", "--expose-gc", "server.js", Integer.toString(port), Integer.toString(this.redisPort));
	}

	@Override
	protected Path workingDirectory() {
		return this.directory;
	}

	@Override
	int members(Node node) throws IOException {
		return (int) stat(node, "serverCount") - 1;
	}

	@Override
	int linked(Node node) throws IOException {
		return members(node);
	}

	/**
	 * Return V8's heap in use plus memory held outside it (socket buffers), after a
	 * full collection.
	 */
	@Override
	long heapAfterGc(Node node) throws IOException {
		stat(node, "heapUsed");
		return stat(node, "heapUsed") + stat(node, "external");
	}

	private long stat(Node node, String field) throws IOException {
		Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(get(node.port(), "/stats"));
		if (!matcher.find()) {
			throw new IOException("No " + field + " in /stats");
		}
		return Long.parseLong(matcher.group(1));
	}

}

package io.socketbox.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;
import org.springframework.util.FileSystemUtils;

import static io.socketbox.sample.SampleNodeProcess.START_TIMEOUT;
import static io.socketbox.sample.SampleNodeProcess.awaitLinked;
import static io.socketbox.sample.SampleNodeProcess.freePorts;

/**
 * The sample nodes and chat clients of one process test, registered with
 * {@code @RegisterExtension}: a fresh cache directory for each test; after it, the
 * clients closed, then the nodes killed, then the resources handed to
 * {@link #closeAfterNodes}, then the directory deleted; where each node logged, when a
 * test fails. A test's own {@code @AfterEach} methods run before all of this.
 */
final class ProcessCluster implements BeforeEachCallback, AfterEachCallback, TestWatcher {

	private final JsonMapper jsonMapper = JsonMapper.shared();

	private final List<SampleNodeProcess> nodes = new ArrayList<>();

	private final List<ChatClient> clients = new ArrayList<>();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private @Nullable Path cacheDirectory;

	@Override
	public void beforeEach(ExtensionContext context) throws IOException {
		this.cacheDirectory = Files.createTempDirectory("process-cluster");
	}

	/**
	 * The cache directory of this test, empty at its start.
	 */
	Path cacheDirectory() {
		Assert.state(this.cacheDirectory != null, "No test is running");
		return this.cacheDirectory;
	}

	/**
	 * The node arguments that share {@link #cacheDirectory()} as a file cache.
	 */
	List<String> fileCache() {
		return List.of("--socketbox.cache.file.directory=" + cacheDirectory());
	}

	/**
	 * Start a node, killed after the test.
	 * @see SampleNodeProcess#start
	 */
	SampleNodeProcess start(String name, int port, List<String> arguments) throws IOException {
		SampleNodeProcess node = SampleNodeProcess.start(name, port, arguments);
		this.nodes.add(node);
		return node;
	}

	/**
	 * Start {@code count} nodes named {@code <prefix>-node-<number>}, numbered from 1,
	 * on free ports with the same arguments, and wait until they are linked.
	 */
	List<SampleNodeProcess> startLinked(String prefix, int count, List<String> arguments) throws IOException {
		return startLinked(prefix, freePorts(count), (number) -> arguments);
	}

	/**
	 * Start {@code count} nodes named {@code <prefix>-node-<number>}, numbered from 1,
	 * on free ports, and wait until they are linked.
	 * @param arguments the arguments of the node with the given number
	 */
	List<SampleNodeProcess> startLinked(String prefix, int count, IntFunction<List<String>> arguments)
			throws IOException {
		return startLinked(prefix, freePorts(count), arguments);
	}

	/**
	 * Start a node on each of the given ports, named {@code <prefix>-node-<number>},
	 * numbered from 1, and wait until they are linked.
	 * @param arguments the arguments of the node with the given number
	 */
	List<SampleNodeProcess> startLinked(String prefix, int[] ports, IntFunction<List<String>> arguments)
			throws IOException {
		List<SampleNodeProcess> cluster = new ArrayList<>();
		for (int i = 0; i < ports.length; i++) {
			cluster.add(start(prefix + "-node-" + (i + 1), ports[i], arguments.apply(i + 1)));
		}
		awaitLinked(cluster, START_TIMEOUT);
		return cluster;
	}

	/**
	 * Connect an anonymous client to a node, closed after the test.
	 */
	ChatClient connect(SampleNodeProcess node) {
		return add(ChatClient.connect(this.jsonMapper, node.port()));
	}

	/**
	 * Connect a client as the given user, closed after the test.
	 */
	ChatClient connect(SampleNodeProcess node, String user) {
		return add(ChatClient.connect(this.jsonMapper, node.port(), user));
	}

	private ChatClient add(ChatClient client) {
		this.clients.add(client);
		return client;
	}

	/**
	 * Close the given resource after the test, once the nodes are gone, so that no node
	 * sees it go; resources close in the order they were given.
	 */
	<T extends AutoCloseable> T closeAfterNodes(T resource) {
		this.resources.add(resource);
		return resource;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		try {
			for (ChatClient client : this.clients) {
				try {
					if (client.isOpen()) {
						client.close();
					}
				}
				catch (Exception ex) {
					// Its node is gone
				}
			}
			for (SampleNodeProcess node : this.nodes) {
				node.kill();
			}
			for (AutoCloseable resource : this.resources) {
				resource.close();
			}
		}
		finally {
			if (this.cacheDirectory != null) {
				FileSystemUtils.deleteRecursively(this.cacheDirectory);
			}
		}
	}

	@Override
	public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
		this.nodes.forEach(SampleNodeProcess::report);
	}

}

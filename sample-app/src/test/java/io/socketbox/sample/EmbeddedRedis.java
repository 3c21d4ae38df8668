package io.socketbox.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/**
 * A real Redis server for tests, run from the binaries in the
 * {@code com.github.codemonstur:embedded-redis} jar. It listens on a free port of
 * {@code 127.0.0.1}, keeps nothing on disk and can be stopped and started again on the
 * same port to simulate an outage. A copy of the library's test support, whose test
 * classes are not on this module's class path.
 *
 * <pre class="code">
 * try (EmbeddedRedis redis = EmbeddedRedis.startNew()) {
 *     int port = redis.getPort();
 *     ...
 * }
 * </pre>
 */
final class EmbeddedRedis implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final int MAX_ATTEMPTS = 5;

	private final int port;

	private final RedisServer server;

	private EmbeddedRedis(int port) throws IOException {
		this.port = port;
		// Listeners drain the output so that a chatty server never blocks on a full pipe
		this.server = RedisServer.newRedisServer()
			.bind(HOST)
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.soutListener((line) -> {
			})
			.serrListener((line) -> {
			})
			.build();
	}

	/**
	 * Start a new server on a free port.
	 * @return the running server
	 */
	static EmbeddedRedis startNew() {
		IOException failure = null;
		// A free port can be taken by someone else before the server binds it: try another
		for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
			try {
				EmbeddedRedis redis = new EmbeddedRedis(freePort());
				redis.server.start();
				return redis;
			}
			catch (IOException ex) {
				failure = ex;
			}
		}
		throw new UncheckedIOException("Failed to start an embedded Redis server", failure);
	}

	/**
	 * Return the port the server listens on, the same across restarts.
	 * @return the port
	 */
	int getPort() {
		return this.port;
	}

	/**
	 * Start the server again on the same port after {@link #stop()}. Does nothing when it
	 * is running.
	 */
	void start() {
		try {
			this.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to start the embedded Redis server on port " + this.port, ex);
		}
	}

	/**
	 * Stop the server and wait for its process to end. Does nothing when it is stopped.
	 */
	void stop() {
		try {
			this.server.stop();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Failed to stop the embedded Redis server on port " + this.port, ex);
		}
	}

	/**
	 * Return whether the server is running.
	 * @return whether the server is running
	 */
	boolean isRunning() {
		return this.server.isActive();
	}

	/**
	 * Stop the server.
	 */
	@Override
	public void close() {
		stop();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

}

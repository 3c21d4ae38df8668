package io.socketbox.spring.testsupport;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real Redis server for a test class and stops it afterwards. Register it as a
 * static field with {@code @RegisterExtension}.
 */
public final class EmbeddedRedisExtension implements BeforeAllCallback, AfterAllCallback {

	private @Nullable EmbeddedRedis server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = EmbeddedRedis.startNew();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	public int getPort() {
		return server().getPort();
	}

	/**
	 * Start the server again on the same port after {@link #stop()}.
	 */
	public void start() {
		server().start();
	}

	/**
	 * Stop the server, as an outage would.
	 */
	public void stop() {
		server().stop();
	}

	public boolean isRunning() {
		return server().isRunning();
	}

	private EmbeddedRedis server() {
		if (this.server == null) {
			throw new IllegalStateException("Redis runs only while the test class runs");
		}
		return this.server;
	}

}

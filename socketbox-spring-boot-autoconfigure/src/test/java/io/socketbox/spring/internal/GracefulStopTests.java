package io.socketbox.spring.internal;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.socketbox.spring.LifecyclePhases;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestNodeApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that stops refuses new browsers first, lets the cluster stop, and closes the
 * open browsers with {@code GOING_AWAY} last, all before the web server's graceful
 * shutdown.
 */
class GracefulStopTests {

	private Node node;

	@BeforeEach
	void startNode() {
		this.node = new Node(new SpringApplicationBuilder(TestNodeApplication.class, StopProbe.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"socketbox.cluster.host=127.0.0.1")
			.run());
	}

	@AfterEach
	void stopNode() {
		this.node.stop();
	}

	@Test
	void phasesStopTheEndpointThenTheClusterThenTheConnectionsBeforeTheWebServer() {
		int endpoint = this.node.context().getBean(SocketBoxWebSocketHandler.class).getPhase();
		int connections = this.node.context().getBean(LocalConnections.class).getPhase();
		// Spring stops the highest phase first
		assertThat(endpoint).isEqualTo(LifecyclePhases.BROWSER_ENDPOINT).isGreaterThan(LifecyclePhases.CLUSTER);
		assertThat(connections).isEqualTo(LifecyclePhases.CONNECTIONS)
			.isLessThan(LifecyclePhases.CLUSTER)
			.isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
	}

	@Test
	void stoppedEndpointRefusesNewBrowsersAndKeepsOpenOnes() {
		ConnectedClient open = this.node.connect(null);
		SocketBoxWebSocketHandler handler = this.node.context().getBean(SocketBoxWebSocketHandler.class);
		handler.stop();
		try (RawWebSocket refused = RawWebSocket.upgrade(this.node.port(), "/ws")) {
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.awaitEndOfStream(Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(2));
		}
		this.node.messaging().broadcast("still open");
		open.client().awaitMessageStartingWith("still open");
		assertThat(open.client().isOpen()).isTrue();
		handler.start();
		RawWebSocket.open(this.node.port(), "/ws").close();
	}

	@Test
	void stoppingTheNodeRefusesNewBrowsersWhileTheClusterStopsThenClosesOpenOnesWithGoingAway() {
		ConnectedClient open = this.node.connect(null);
		this.node.messaging().broadcast("last words");
		this.node.context().stop();
		StopProbe probe = this.node.context().getBean(StopProbe.class);
		assertThat(probe.upgradeStatus).as("status of an upgrade while the cluster stops").isEqualTo(503);
		assertThat(probe.openConnections).as("connections open while the cluster stops").isOne();
		assertThat(open.client().awaitClose().getCode()).isEqualTo(CloseStatus.GOING_AWAY.getCode());
		assertThat(open.client().messages()).contains("last words");
	}

	/**
	 * Stops in the phase of the cluster node, between the browser endpoint and the
	 * connections, and records what a browser would see then.
	 */
	static class StopProbe implements SmartLifecycle {

		private final Environment environment;

		private final LocalConnections connections;

		private volatile boolean running;

		private volatile int upgradeStatus = -1;

		private volatile int openConnections = -1;

		StopProbe(Environment environment, LocalConnections connections) {
			this.environment = environment;
			this.connections = connections;
		}

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			int port = this.environment.getRequiredProperty("local.server.port", Integer.class);
			try (RawWebSocket upgrade = RawWebSocket.upgrade(port, "/ws")) {
				this.upgradeStatus = upgrade.status();
			}
			this.openConnections = this.connections.size();
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public int getPhase() {
			return LifecyclePhases.CLUSTER;
		}

	}

}

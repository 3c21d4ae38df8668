package io.socketbox.spring.autoconfigure;

import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.ShutdownThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PeerWebSocketContainer} with Jetty's WebSocket client, the one surefire's jetty
 * execution has (the others have Tomcat's): the container is off Jetty's JVM shutdown
 * hook, which would break every dialed link on {@code SIGTERM} before the node leaves the
 * cluster, and it stops with the context instead.
 */
@EnabledIf(value = "io.socketbox.spring.internal.OutboxBatchingOnJettyTests#jettyWebSocketServerPresent",
		disabledReason = "runs in surefire's jetty execution")
class PeerWebSocketContainerOnJettyTests {

	@Test
	void jettysClientContainerStopsWithTheContextAndNotOnJettysShutdownHook() throws Exception {
		PeerWebSocketContainer container = new PeerWebSocketContainer();
		assertThat(container.get()).isInstanceOf(LifeCycle.class);
		LifeCycle jetty = (LifeCycle) container.get();
		assertThat(jetty.isStarted()).isTrue();
		assertThat(ShutdownThread.isRegistered(jetty)).as("on Jetty's shutdown hook").isFalse();
		container.destroy();
		assertThat(jetty.isStopped()).isTrue();
	}

}

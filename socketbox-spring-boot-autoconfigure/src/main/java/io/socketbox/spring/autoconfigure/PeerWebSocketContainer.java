package io.socketbox.spring.autoconfigure;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.ShutdownThread;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.ClassUtils;

/**
 * The JSR-356 client container that dials the other nodes, stopped with the application
 * context rather than before it.
 * <p>
 * Jetty's client container registers itself with Jetty's JVM shutdown hook, which stops
 * it on {@code SIGTERM} while Spring's own hook is still stopping the node: every link the
 * node dialed then broke (1006) before the node could leave the cluster, and its peers
 * took it for a crashed node. This takes it off Jetty's hook, as Spring Boot once did for
 * Jetty's server container, and stops it when the context is closed, after SocketBox's
 * lifecycle has closed the links.
 */
final class PeerWebSocketContainer implements DisposableBean {

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.util.thread.ShutdownThread",
			PeerWebSocketContainer.class.getClassLoader());

	private final WebSocketContainer container;

	PeerWebSocketContainer() {
		this.container = ContainerProvider.getWebSocketContainer();
		if (JETTY_PRESENT) {
			Jetty.takeOffShutdownHook(this.container);
		}
	}

	WebSocketContainer get() {
		return this.container;
	}

	@Override
	public void destroy() throws Exception {
		if (JETTY_PRESENT) {
			Jetty.stop(this.container);
		}
	}

	/**
	 * Kept apart so that Jetty's classes are only loaded when they are present.
	 */
	static final class Jetty {

		static void takeOffShutdownHook(WebSocketContainer container) {
			if (container instanceof LifeCycle lifeCycle) {
				ShutdownThread.deregister(lifeCycle);
			}
		}

		static void stop(WebSocketContainer container) throws Exception {
			if (container instanceof LifeCycle lifeCycle) {
				lifeCycle.stop();
			}
		}

	}

}

package io.socketbox.spring.testsupport;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import org.springframework.util.ClassUtils;

/**
 * Skips a jqwik container of properties on Jetty 12 unless Jetty's WebSocket server is on
 * the class path: surefire runs such containers in an execution of its own, and skips
 * them in the other. Add it with {@code @AddLifecycleHook}.
 */
public final class SkipWithoutJettyServer implements SkipExecutionHook {

	@Override
	public SkipResult shouldBeSkipped(LifecycleContext context) {
		return jettyWebSocketServerPresent() ? SkipResult.doNotSkip()
				: SkipResult.skip("runs in surefire's jetty execution");
	}

	/**
	 * Return whether Jetty's WebSocket server is on the class path, as it is in
	 * surefire's jetty execution only.
	 * @return whether it is
	 */
	public static boolean jettyWebSocketServerPresent() {
		return ClassUtils.isPresent("org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer", null);
	}

}

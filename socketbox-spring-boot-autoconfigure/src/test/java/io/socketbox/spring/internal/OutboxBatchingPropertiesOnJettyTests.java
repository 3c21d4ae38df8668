package io.socketbox.spring.internal;

import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import org.springframework.util.ClassUtils;

/**
 * {@link OutboxBatchingProperties} on Jetty 12. Surefire runs it in an execution of its
 * own, with Jetty's WebSocket server on the class path; elsewhere it is skipped.
 */
@AddLifecycleHook(OutboxBatchingPropertiesOnJettyTests.SkipWithoutJetty.class)
class OutboxBatchingPropertiesOnJettyTests extends OutboxBatchingProperties {

	@Override
	String server() {
		return "jetty";
	}

	static final class SkipWithoutJetty implements SkipExecutionHook {

		@Override
		public SkipResult shouldBeSkipped(LifecycleContext context) {
			return ClassUtils.isPresent("org.eclipse.jetty.ee11.websocket.server.JettyWebSocketServerContainer", null)
					? SkipResult.doNotSkip() : SkipResult.skip("runs in surefire's jetty execution");
		}

	}

}

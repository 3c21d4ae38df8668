package io.socketbox.spring.internal;

import net.jqwik.api.lifecycle.AddLifecycleHook;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link OutboxBatchingProperties} on Jetty 12. Surefire runs it in an execution of its
 * own, with Jetty's WebSocket server on the class path; elsewhere it is skipped.
 */
@AddLifecycleHook(SkipWithoutJettyServer.class)
class OutboxBatchingPropertiesOnJettyTests extends OutboxBatchingProperties {

	@Override
	String server() {
		return "jetty";
	}

}

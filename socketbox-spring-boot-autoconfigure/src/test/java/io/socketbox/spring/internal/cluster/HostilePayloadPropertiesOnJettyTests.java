package io.socketbox.spring.internal.cluster;

import net.jqwik.api.lifecycle.AddLifecycleHook;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link HostilePayloadProperties} with both nodes on Jetty 12, whose WebSocket
 * implementation encodes the text for each connection on its own. Surefire runs it in its
 * jetty execution; elsewhere it is skipped.
 */
@AddLifecycleHook(SkipWithoutJettyServer.class)
class HostilePayloadPropertiesOnJettyTests extends HostilePayloadProperties {

	@Override
	String server() {
		return "jetty";
	}

}

package io.socketbox.spring.internal.cluster;

import net.jqwik.api.lifecycle.AddLifecycleHook;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link PeerFrameProperties} with both nodes on Jetty 12, whose WebSocket implementation
 * parses a peer's frames on its own, on the server and on the client side. Surefire runs
 * it in its jetty execution; elsewhere it is skipped.
 */
@AddLifecycleHook(SkipWithoutJettyServer.class)
class PeerFramePropertiesOnJettyTests extends PeerFrameProperties {

	@Override
	String server() {
		return "jetty";
	}

}

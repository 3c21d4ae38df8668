package io.socketbox.spring.internal.cluster;

import net.jqwik.api.lifecycle.AddLifecycleHook;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link BrowserFrameProperties} with both nodes on Jetty 12, whose WebSocket
 * implementation parses, and rejects, a browser's frames on its own. Surefire runs it in
 * its jetty execution; elsewhere it is skipped.
 */
@AddLifecycleHook(SkipWithoutJettyServer.class)
class BrowserFramePropertiesOnJettyTests extends BrowserFrameProperties {

	@Override
	String server() {
		return "jetty";
	}

}

package io.socketbox.spring.internal.cluster;

import net.jqwik.api.lifecycle.AddLifecycleHook;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link BrowserMessageSizeProperties} with both nodes on Jetty 12, whose WebSocket
 * implementation applies the text message size limit on its own. Surefire runs it in its
 * jetty execution; elsewhere it is skipped.
 */
@AddLifecycleHook(SkipWithoutJettyServer.class)
class BrowserMessageSizePropertiesOnJettyTests extends BrowserMessageSizeProperties {

	@Override
	String server() {
		return "jetty";
	}

}

package io.socketbox.spring.internal.cluster;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link LinkFailureTests} with both nodes on Jetty 12 and Jetty's WebSocket client, which
 * keep a closed connection until the other side answers or the idle timeout ends, and
 * whose blocking sends wait for that timeout. Surefire runs it in its Jetty execution.
 */
@EnabledIf(value = "io.socketbox.spring.internal.OutboxBatchingOnJettyTests#jettyWebSocketServerPresent",
		disabledReason = "runs in surefire's jetty execution")
class LinkFailureOnJettyTests extends LinkFailureTests {

	@Override
	String server() {
		return "jetty";
	}

}

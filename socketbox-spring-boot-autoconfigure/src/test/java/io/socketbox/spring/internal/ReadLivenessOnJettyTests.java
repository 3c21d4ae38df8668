package io.socketbox.spring.internal;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link ReadLivenessTests} on Jetty 12, whose pings are frames queued without waiting.
 * Surefire runs it in its Jetty execution, as {@link OutboxBatchingOnJettyTests}.
 */
@EnabledIf(value = "io.socketbox.spring.internal.OutboxBatchingOnJettyTests#jettyWebSocketServerPresent",
		disabledReason = "runs in surefire's jetty execution")
class ReadLivenessOnJettyTests extends ReadLivenessTests {

	@Override
	String server() {
		return "jetty";
	}

}

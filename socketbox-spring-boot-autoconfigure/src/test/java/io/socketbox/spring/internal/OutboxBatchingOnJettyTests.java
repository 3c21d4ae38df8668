package io.socketbox.spring.internal;

import org.junit.jupiter.api.condition.EnabledIf;

import io.socketbox.spring.testsupport.SkipWithoutJettyServer;

/**
 * {@link OutboxBatchingTests} on Jetty 12. Surefire runs it in an execution of its own,
 * with Jetty's WebSocket server on the class path (the others run without it); a
 * {@code -Dtest} selection that names it runs it there and skips it in the other.
 */
@EnabledIf(value = "jettyWebSocketServerPresent", disabledReason = "runs in surefire's jetty execution")
class OutboxBatchingOnJettyTests extends OutboxBatchingTests {

	@Override
	Class<? extends TextSender> sender() {
		return JettyTextSender.class;
	}

	@Override
	String server() {
		return "jetty";
	}

	static boolean jettyWebSocketServerPresent() {
		return SkipWithoutJettyServer.jettyWebSocketServerPresent();
	}

}

package io.socketbox.spring.internal;

import java.util.List;

import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link OutboxBatchingTests} on Jetty 12 through Jakarta WebSocket, for an application
 * that upgrades with Spring's {@code StandardWebSocketUpgradeStrategy}: the Jetty sender
 * reaches the same {@code CoreSession} from the Jakarta session.
 */
@EnabledIf(value = "io.socketbox.spring.internal.OutboxBatchingOnJettyTests#jettyWebSocketServerPresent",
		disabledReason = "runs in surefire's jetty execution")
class OutboxBatchingJakartaOnJettyTests extends OutboxBatchingOnJettyTests {

	@Override
	List<String> properties() {
		return List.of("test.upgrade=standard");
	}

}

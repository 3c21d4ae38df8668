package io.socketbox.spring.internal;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code socketbox.max-connections} set, browsers over the limit are refused at the
 * upgrade, and admitted again once a connection closes.
 */
@ExtendWith(OutputCaptureExtension.class)
class BrowserConnectionLimitTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	@BeforeEach
	void prepare(TestInfo testInfo) {
		this.nodes = new ClusterNodes(redis.getPort(), testInfo.getTestMethod().orElseThrow().getName() + ":");
	}

	@AfterEach
	void stopNodes() {
		this.nodes.close();
	}

	@Test
	void connectionsOverTheLimitAreRefusedAtTheUpgrade(CapturedOutput output) {
		Node node = this.nodes.start("socketbox.max-connections=2");
		ConnectedClient first = node.connect(null);
		node.connect(null);
		try (RawWebSocket refused = RawWebSocket.upgrade(node.port(), "/ws")) {
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.awaitEndOfStream(Duration.ofSeconds(5))).isLessThan(Duration.ofSeconds(2));
		}
		assertThat(output).contains("Refused 1 connection(s) to /ws with 503: 2 open browser connections, "
				+ "the limit set by socketbox.max-connections (2)");
		first.client().close();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			try (RawWebSocket next = RawWebSocket.upgrade(node.port(), "/ws")) {
				assertThat(next.status()).isEqualTo(101);
			}
		});
	}

	@Test
	void connectionsAreNotLimitedByDefault() {
		Node node = this.nodes.start();
		for (int i = 0; i < 3; i++) {
			node.connect(null);
		}
		try (RawWebSocket another = RawWebSocket.upgrade(node.port(), "/ws")) {
			assertThat(another.status()).isEqualTo(101);
		}
	}

}

package io.socketbox.spring.internal.cluster;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.SessionClient;
import io.socketbox.spring.testsupport.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session whose home becomes unreachable, as after a crash: its client, connected to
 * another node, is told to reconnect; it learns that its session's messages are lost, and
 * gets the broadcasts it missed from the node it is on.
 */
class SessionHomeLostTests {

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private ClusterNodes nodes;

	private TcpProxy proxy;

	@AfterEach
	void stop() {
		this.nodes.close();
		this.proxy.close();
	}

	@Test
	void aClientWhoseSessionsHomeIsLostReconnectsAndIsToldWhatWasLost() {
		this.nodes = new ClusterNodes(redis.getPort(), "home-lost:");
		this.proxy = new TcpProxy();
		Node home = this.nodes.startBehind(this.proxy);
		Node other = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> home.isLinkedTo(other) && other.isLinkedTo(home));
		SessionClient first = SessionClient.hello(home.port(), null);
		String id = first.sessionId();
		first.awaitDirects(1);
		first.drop();
		SessionClient attached = SessionClient.resume(other.port(), null, first);
		assertThat(attached.welcome().path("resumed").asBoolean()).isTrue();
		other.messaging().broadcast("before");
		attached.awaitBroadcasts(1);
		// The home goes silent, as a crashed node does
		this.proxy.blackhole();
		// Told to reconnect (1012; Tomcat's client reports 1002) within the heartbeat timeout
		assertThat(attached.awaitClose().getCode()).isIn(1012, 1002);
		other.messaging().broadcast("while-away");
		try (SessionClient again = SessionClient.resume(other.port(), null, attached)) {
			assertThat(again.welcome().path("resumed").asBoolean()).isFalse();
			assertThat(again.sessionId()).isNotEqualTo(id);
			assertThat(again.gaps()).contains("direct:node-lost");
			assertThat(again.awaitBroadcasts(1)).containsExactly("while-away");
		}
	}

}

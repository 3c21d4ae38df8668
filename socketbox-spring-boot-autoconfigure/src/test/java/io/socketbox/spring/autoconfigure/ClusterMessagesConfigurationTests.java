package io.socketbox.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterMessageListener;
import io.socketbox.spring.ClusterMessageTooLargeException;
import io.socketbox.spring.ClusterMessages;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterMessageCodec;
import io.socketbox.spring.internal.cluster.ClusterMessageDispatcher;
import io.socketbox.spring.internal.cluster.ClusterMessageListenerRegistry;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.cluster.DefaultClusterMessages;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link ClusterMessagesConfiguration}.
 */
class ClusterMessagesConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(NodeConfiguration.class, ClusterMessagesConfiguration.class)
		.withBean(Listeners.class);

	@Test
	void aNodeAlonePublishesToNobodyButChecksTheSize() {
		this.contextRunner.withPropertyValues("socketbox.cluster.max-frame-size=8KB").run((context) -> {
			assertThat(context).hasSingleBean(ClusterMessages.class)
				.hasSingleBean(ClusterMessageDispatcher.class)
				.hasSingleBean(ClusterMessageCodec.class);
			assertThat(context.getBean(ClusterMessageListenerRegistry.class).getTypeNames())
				.containsExactly(Ping.class.getName());
			ClusterMessages messages = context.getBean(ClusterMessages.class);
			assertThat(messages.publish(new Ping("hello"))).isEmpty();
			assertThat(messages.publish("other-node", new Ping("hello"))).isFalse();
			assertThatIllegalArgumentException().isThrownBy(() -> messages.publish(null, new Ping("hello")))
				.withMessageContaining("nodeId");
			assertThatIllegalArgumentException().isThrownBy(() -> messages.publish(null))
				.withMessageContaining("message");
			assertThatExceptionOfType(ClusterMessageTooLargeException.class)
				.isThrownBy(() -> messages.publish(new Ping("x".repeat(9000))))
				.withMessageContaining("8192");
		});
	}

	@Test
	void inClusterModeTheMessagesUseThePeerChannelsOfTheClusterNode() {
		ClusterNode node = mock(ClusterNode.class);
		this.contextRunner.withPropertyValues("socketbox.cluster.enabled=true")
			.withBean(ClusterNode.class, () -> node)
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterMessages.class);
				assertThat(context.getBean(ClusterMessages.class)).isInstanceOf(DefaultClusterMessages.class);
				verify(node).getMessaging();
			});
	}

	@Test
	void aBadFrameSizeFailsWithThePropertysName() {
		this.contextRunner.withPropertyValues("socketbox.cluster.max-frame-size=10B")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("socketbox.cluster.max-frame-size"));
	}

	@Test
	void backsOffFromAUsersClusterMessages() {
		ClusterMessages own = mock(ClusterMessages.class);
		this.contextRunner.withBean(ClusterMessages.class, () -> own)
			.run((context) -> assertThat(context.getBean(ClusterMessages.class)).isSameAs(own));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SocketBoxProperties.class)
	static class NodeConfiguration {

		@Bean
		LocalNode localNode() {
			return new LocalNode(() -> "ws://localhost:8080/socketbox/cluster");
		}

	}

	record Ping(String text) {

	}

	static class Listeners {

		@ClusterMessageListener
		void onPing(Ping ping) {
		}

	}

}
